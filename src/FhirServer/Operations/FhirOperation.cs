namespace FhirMh.FhirServer.Operations;

/// <summary>
/// One operation the server carries out: its name without <c>$</c>, the resource types it is
/// defined on (null for every type), whether it applies to the type, to an instance or both, the
/// canonical of its OperationDefinition (relative ones are under the server's canonical base),
/// and the <see cref="IFhirOperation"/> that carries it out. An operation without side effects may
/// be invoked with GET as well as POST; one that changes something only with POST
/// (operations.html#request).
/// </summary>
internal sealed record FhirOperation(
    string Name,
    IReadOnlyList<string>? ResourceTypes,
    bool OnType,
    bool OnInstance,
    string Definition,
    Type Handler)
{
    /// <summary>True when the operation changes what the server holds: POST only.</summary>
    public bool AffectsState { get; init; }

    public bool AppliesTo(string resourceType) => ResourceTypes is null || ResourceTypes.Contains(resourceType);
}
