namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>A Practitioner with a licence number unique in the directory.</summary>
internal sealed record DirectoryPractitioner(
    string Id, string Licence, string Family, string Given, string Gender, bool IsActive, string Qualification, IReadOnlyList<string> Languages);
