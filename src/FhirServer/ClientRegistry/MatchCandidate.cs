using System.ComponentModel.DataAnnotations.Schema;

namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>A source record found through one of the blocking keys of the record being matched.</summary>
internal sealed class MatchCandidate
{
    [Column("block_key")]
    public required string BlockKey { get; set; }

    [Column("source_id")]
    public required string SourceId { get; set; }

    [Column("golden_id")]
    public required string GoldenId { get; set; }

    [Column("fields")]
    public required string Fields { get; set; }
}
