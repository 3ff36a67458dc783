namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>The server did not answer a directory search as FHIR and the benchmark require (checked before any load).</summary>
internal sealed class DirectoryContractException(string message) : Exception(message);
