namespace FhirMh.FhirServer.Storage;

/// <summary>An If-Match precondition did not hold (http.html#concurrency).</summary>
internal sealed class VersionMismatchException(string type, string id, int expected, int? current)
    : Exception(current is null
        ? $"If-Match expected {type}/{id} version {expected}, but another version was written first or the resource does not exist."
        : $"If-Match expected {type}/{id} version {expected}, but the current version is {current}.");
