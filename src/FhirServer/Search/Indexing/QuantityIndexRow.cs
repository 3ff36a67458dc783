namespace FhirMh.FhirServer.Search.Indexing;

/// <summary>
/// A quantity parameter value (search.html#quantity) as written, and also in canonical UCUM
/// units when the unit converts, so <c>5 mg</c> matches a search for <c>0.005 g</c>.
/// </summary>
internal sealed class QuantityIndexRow : IndexRow
{
    public string? System { get; set; }

    /// <summary>The unit code, or the unit text when there is no code.</summary>
    public string? Code { get; set; }

    public double Value { get; set; }

    public string? CanonicalCode { get; set; }

    public double? CanonicalValue { get; set; }
}
