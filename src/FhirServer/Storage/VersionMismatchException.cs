namespace FhirMh.FhirServer.Storage;

/// <summary>An If-Match or If-None-Match precondition did not hold (http.html#concurrency, RFC 9110 13.1).</summary>
internal sealed class VersionMismatchException(string message, string header) : Exception(message)
{
    /// <summary>The header whose condition failed, for the OperationOutcome's expression.</summary>
    public string Header { get; } = header;
}
