namespace FhirMh.FhirServer.Search.Indexing;

/// <summary>A uri parameter value (search.html#uri), compared exactly.</summary>
internal sealed class UriIndexRow : IndexRow
{
    public required string Value { get; set; }
}
