namespace FhirMh.FhirServer.Storage;

/// <summary>Another writer committed a version of the same resource first.</summary>
internal sealed class StorageConflictException(string message) : Exception(message);
