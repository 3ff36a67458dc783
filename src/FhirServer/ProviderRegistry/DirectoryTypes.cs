namespace FhirMh.FhirServer.ProviderRegistry;

/// <summary>The resources of the care services directory (IHE mCSD, https://profiles.ihe.net/ITI/mCSD/).</summary>
internal static class DirectoryTypes
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        "Organization", "Location", "Practitioner", "PractitionerRole", "HealthcareService", "Endpoint", "OrganizationAffiliation",
    };

    /// <summary>The types whose identifiers are unique in the directory (a licence number, an organisation's registration) and that are checked for duplicates.</summary>
    public static readonly IReadOnlySet<string> Curated = new HashSet<string>(StringComparer.Ordinal) { "Practitioner", "Organization" };
}
