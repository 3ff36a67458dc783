using FhirMh.FhirServer.Storage;

namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// delete (http.html#delete): a tombstone version. Deleting what is already deleted, or never
/// existed, succeeds without writing anything, as the specification asks.
/// </summary>
internal sealed class DeleteInteraction(ResourceStore store)
{
    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var tombstone = await store.DeleteAsync(
            request.ResourceType!, request.Id!, request.Preconditions, cancellationToken);
        return new FhirResponse(StatusCodes.Status204NoContent) { Version = tombstone, IsWrite = true };
    }
}
