namespace FhirMh.FhirServer.Search.Indexing;

/// <summary>
/// A number parameter value (search.html#number). The stored value is a point; the precision
/// of the search value gives the range it matches (<c>100</c> matches [99.5, 100.5)).
/// </summary>
internal sealed class NumberIndexRow : IndexRow
{
    public double Value { get; set; }
}
