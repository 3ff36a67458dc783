namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>
/// What the client registry keeps of one source Patient: the golden record it belongs to, how it
/// got there (the rule version and score of an automatic link, or a staff decision), and the
/// values matching compares, so candidates are scored without reading their resources.
/// </summary>
internal sealed class RegistryRecordRow
{
    public required string SourceId { get; set; }

    public required string GoldenId { get; set; }

    /// <summary>The extracted matching fields as JSON: field name to raw values.</summary>
    public required string Fields { get; set; }

    /// <summary>The source's identifier systems joined with spaces: its source systems, for most-trusted survivorship.</summary>
    public string? Systems { get; set; }

    public required string RuleVersion { get; set; }

    /// <summary>The Fellegi-Sunter weight of the link; null for a golden record made for this source alone.</summary>
    public double? Score { get; set; }

    /// <summary>How the source came to its golden record (<see cref="LinkMethods"/>).</summary>
    public required string Method { get; set; }
}
