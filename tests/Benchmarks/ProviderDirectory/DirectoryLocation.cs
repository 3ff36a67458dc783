namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>A Location (a site) with its WGS84 position and the Organization that manages it.</summary>
internal sealed record DirectoryLocation(string Id, string Name, int City, double Latitude, double Longitude, string OrganizationId);
