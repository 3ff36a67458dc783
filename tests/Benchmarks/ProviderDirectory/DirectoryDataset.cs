namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>The synthetic national directory, as generated; each list in id order.</summary>
internal sealed class DirectoryDataset(
    IReadOnlyList<DirectoryOrganization> organizations,
    IReadOnlyList<DirectoryLocation> locations,
    IReadOnlyList<DirectoryService> services,
    IReadOnlyList<DirectoryPractitioner> practitioners,
    IReadOnlyList<DirectoryRole> roles)
{
    private readonly Dictionary<string, DirectoryLocation> _locationsById = locations.ToDictionary(l => l.Id, StringComparer.Ordinal);

    public IReadOnlyList<DirectoryOrganization> Organizations { get; } = organizations;

    public IReadOnlyList<DirectoryLocation> Locations { get; } = locations;

    public IReadOnlyList<DirectoryService> Services { get; } = services;

    public IReadOnlyList<DirectoryPractitioner> Practitioners { get; } = practitioners;

    public IReadOnlyList<DirectoryRole> Roles { get; } = roles;

    public DirectorySize Size => new(Organizations.Count, Locations.Count, Practitioners.Count, Roles.Count, Services.Count);

    public DirectoryLocation Location(string id) => _locationsById[id];
}
