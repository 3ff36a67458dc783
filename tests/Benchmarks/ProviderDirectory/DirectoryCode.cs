namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>A coding as the directory writes it: system, code and display.</summary>
internal sealed record DirectoryCode(string System, string Code, string Display);
