namespace FhirMh.FhirServer.Search.Indexing;

/// <summary>
/// A composite parameter value (search.html#composite) of two components taken from the same
/// element, e.g. an Observation's code with its value. The first component is a token; the
/// second is a token, quantity, date or string, in the columns of its type.
/// </summary>
internal sealed class CompositeIndexRow : IndexRow
{
    public string? FirstSystem { get; set; }

    public string? FirstCode { get; set; }

    /// <summary>A token's system, or a quantity's unit system.</summary>
    public string? SecondSystem { get; set; }

    /// <summary>A token's code, or a quantity's unit code.</summary>
    public string? SecondCode { get; set; }

    public double? SecondNumber { get; set; }

    public string? SecondCanonicalCode { get; set; }

    public double? SecondCanonicalNumber { get; set; }

    public Instant? SecondStart { get; set; }

    public Instant? SecondEnd { get; set; }

    /// <summary>A string component, folded like string values.</summary>
    public string? SecondText { get; set; }
}
