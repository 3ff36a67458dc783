namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>How many resources of each type the synthetic directory holds.</summary>
internal sealed record DirectorySize(int Organizations, int Locations, int Practitioners, int Roles, int Services)
{
    public int Total => Organizations + Locations + Practitioners + Roles + Services;

    /// <exception cref="ArgumentException">A count below one.</exception>
    public void Validate()
    {
        if (Organizations < 1 || Locations < 1 || Practitioners < 1 || Roles < 1 || Services < 1)
        {
            throw new ArgumentException($"Every resource type needs at least one resource: {this}.");
        }
    }
}
