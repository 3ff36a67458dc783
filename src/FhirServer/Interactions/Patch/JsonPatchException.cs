namespace FhirMh.FhirServer.Interactions.Patch;

/// <summary>
/// A JSON Patch that cannot be applied (RFC 6902 section 5): a malformed operation, a path that
/// does not exist, or a failed <c>test</c>.
/// </summary>
internal sealed class JsonPatchException(string message, int operationIndex, bool isFailedTest = false) : Exception(message)
{
    /// <summary>Zero-based index of the operation in the patch document.</summary>
    public int OperationIndex { get; } = operationIndex;

    public bool IsFailedTest { get; } = isFailedTest;
}
