namespace FhirMh.FhirServer.Search.Indexing;

/// <summary>A token parameter value (search.html#token): a code with its system.</summary>
internal sealed class TokenIndexRow : IndexRow
{
    /// <summary>Null when the value has no system (e.g. a plain code element, whose system is implied).</summary>
    public string? System { get; set; }

    public string? Code { get; set; }

    /// <summary>Display or text, folded like strings, for :text.</summary>
    public string? Text { get; set; }
}
