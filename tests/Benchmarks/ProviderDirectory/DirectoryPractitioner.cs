namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>
/// A Practitioner with a licence number unique in the directory, and a phone, an email and a
/// practice address of their own, as the registry's duplicate detection compares them.
/// </summary>
internal sealed record DirectoryPractitioner(
    string Id,
    string Licence,
    string Family,
    string Given,
    string Gender,
    bool IsActive,
    string Qualification,
    IReadOnlyList<string> Languages,
    string Phone,
    string Email,
    string Line,
    string PostalCode,
    int City);
