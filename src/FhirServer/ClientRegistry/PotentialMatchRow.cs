namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>
/// A golden record that a source scored between the thresholds against: perhaps the same person,
/// for registry staff to decide. It goes when staff link the source or record a cannot-link.
/// </summary>
internal sealed class PotentialMatchRow
{
    public required string SourceId { get; set; }

    public required string GoldenId { get; set; }

    public double Score { get; set; }

    public required string RuleVersion { get; set; }
}
