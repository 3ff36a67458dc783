namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>
/// An Organization of the directory: a group (hospital group, network) or a provider, which may
/// belong to a group; with a phone and an address of its own.
/// </summary>
internal sealed record DirectoryOrganization(
    string Id, string Name, string Identifier, int City, bool IsGroup, string? PartOfId, string Phone, string Line, string PostalCode);
