namespace FhirMh.Registries.Matching;

/// <summary>
/// A record normalised once by <see cref="RecordMatcher.Prepare"/> for comparing many times.
/// Opaque apart from <see cref="Id"/>; only valid with the matcher (rules) that prepared it.
/// </summary>
public sealed record PreparedRecord
{
    internal PreparedRecord(string id, MatchRules rules, string[][] values)
    {
        Id = id;
        Rules = rules;
        Values = values;
    }

    /// <summary>The <see cref="MatchRecord.Id"/> it was prepared from.</summary>
    public string Id { get; }

    internal MatchRules Rules { get; }

    /// <summary>Normalised, non-empty, distinct values per field, in rule order.</summary>
    internal string[][] Values { get; }
}
