namespace FhirMh.FhirServer.Search.Indexing;

/// <summary>A string parameter value (search.html#string).</summary>
internal sealed class StringIndexRow : IndexRow
{
    /// <summary>Lower-cased and accent-folded, for the default (starts-with) and :contains matches.</summary>
    public required string Value { get; set; }

    /// <summary>As written, for :exact.</summary>
    public required string Exact { get; set; }
}
