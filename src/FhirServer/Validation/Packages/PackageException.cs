namespace FhirMh.FhirServer.Validation.Packages;

/// <summary>A package that cannot be loaded; the server does not start with a broken package.</summary>
internal sealed class PackageException(string message, Exception? inner = null) : Exception(message, inner);
