namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>
/// A PractitionerRole: a Practitioner working for an Organization at a Location in a
/// HealthcareService. <c>PeriodEnd</c> in the past marks a role that has ended; some of those are
/// still flagged active, as in real directories that nobody tidied.
/// </summary>
internal sealed record DirectoryRole(
    string Id,
    bool IsActive,
    string PractitionerId,
    string OrganizationId,
    string LocationId,
    string ServiceId,
    DirectoryCode Code,
    DirectoryCode Specialty,
    DateOnly PeriodStart,
    DateOnly? PeriodEnd,
    IReadOnlyList<OpeningHours> Hours);
