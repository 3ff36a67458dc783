namespace FhirMh.FhirServer.ProviderRegistry;

/// <summary>
/// Two records of one type that the duplicate rules score at or above their lower threshold,
/// listed for staff. Stored once per pair, the smaller id first.
/// </summary>
internal sealed class PotentialDuplicateRow
{
    public required string ResourceType { get; set; }

    public required string FirstId { get; set; }

    public required string SecondId { get; set; }

    /// <summary>The Fellegi-Sunter weight of the pair.</summary>
    public double Weight { get; set; }

    public required string RuleVersion { get; set; }

    public Instant DetectedAt { get; set; }
}
