namespace FhirMh.Registries.Matching;

/// <summary>
/// A match rule configuration is not valid. The message names the JSON path of the problem,
/// e.g. <c>fields[2].levels[0].m must be in (0,1)</c>, so it can be shown to whoever edits the rules.
/// </summary>
public sealed class MatchRulesException : Exception
{
    /// <summary>Creates the exception with a message that names the offending JSON path.</summary>
    public MatchRulesException()
    {
    }

    /// <summary>Creates the exception with a message that names the offending JSON path.</summary>
    /// <param name="message">The problem, starting with the JSON path.</param>
    public MatchRulesException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception for a JSON document that could not be read at all.</summary>
    /// <param name="message">The problem.</param>
    /// <param name="innerException">The parser's exception.</param>
    public MatchRulesException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
