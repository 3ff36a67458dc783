namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>
/// A HealthcareService: who provides it, where (one or two Locations), what it treats (<c>Types</c>),
/// its specialty, the languages it is offered in (BCP 47 codes), its characteristics and hours.
/// </summary>
internal sealed record DirectoryService(
    string Id,
    string Name,
    bool IsActive,
    bool IsMentalHealth,
    string OrganizationId,
    IReadOnlyList<string> LocationIds,
    IReadOnlyList<DirectoryCode> Types,
    DirectoryCode Specialty,
    IReadOnlyList<string> Languages,
    IReadOnlyList<string> Characteristics,
    IReadOnlyList<OpeningHours> Hours);
