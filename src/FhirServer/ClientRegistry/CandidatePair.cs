using System.ComponentModel.DataAnnotations.Schema;

namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>Two source records that share a blocking key: a pair the weights are estimated from.</summary>
internal sealed class CandidatePair
{
    [Column("left_id")]
    public required string LeftId { get; set; }

    [Column("right_id")]
    public required string RightId { get; set; }
}
