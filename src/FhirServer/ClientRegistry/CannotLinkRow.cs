namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>A decision that a source record is not the person of a golden record; matching never links them again.</summary>
internal sealed class CannotLinkRow
{
    public required string SourceId { get; set; }

    public required string GoldenId { get; set; }
}
