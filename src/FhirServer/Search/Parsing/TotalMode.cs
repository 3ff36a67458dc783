namespace FhirMh.FhirServer.Search.Parsing;

/// <summary><c>_total</c> (search.html#total); <see cref="None"/> by default so a first page does not pay for a count.</summary>
internal enum TotalMode
{
    None,
    Estimate,
    Accurate,
}
