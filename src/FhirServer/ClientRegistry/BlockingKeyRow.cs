namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>One blocking key of one source record: records sharing a key are each other's candidates.</summary>
internal sealed class BlockingKeyRow
{
    public required string Key { get; set; }

    public required string SourceId { get; set; }
}
