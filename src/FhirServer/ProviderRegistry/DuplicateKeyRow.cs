namespace FhirMh.FhirServer.ProviderRegistry;

/// <summary>One blocking key of a Practitioner or Organization: records sharing a key are compared.</summary>
internal sealed class DuplicateKeyRow
{
    public required string ResourceType { get; set; }

    public required string ResourceId { get; set; }

    public required string Key { get; set; }
}
