namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>An Organization of the directory: a group (hospital group, network) or a provider, which may belong to a group.</summary>
internal sealed record DirectoryOrganization(string Id, string Name, string Identifier, int City, bool IsGroup, string? PartOfId);
