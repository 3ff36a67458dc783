using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Storage;

namespace FhirMh.FhirServer.Interactions;

/// <summary>read, with the conditional read of http.html#cread (If-None-Match, If-Modified-Since).</summary>
internal sealed class ReadInteraction(ResourceStore store)
{
    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var type = request.ResourceType!;
        var id = request.Id!;
        var current = await store.ReadCurrentAsync(type, id, cancellationToken)
            ?? throw FhirException.NotFound($"{type}/{id} is not known.");
        if (current.IsDeleted)
        {
            throw FhirException.Gone($"{type}/{id} was deleted (version {current.VersionId}).");
        }

        return IsNotModified(request.Preconditions, current)
            ? FhirResponse.Of(StatusCodes.Status304NotModified, current)
            : FhirResponse.Of(StatusCodes.Status200OK, current);
    }

    private static bool IsNotModified(Preconditions preconditions, StoredVersion current)
    {
        if (preconditions.IfNoneMatchVersion is { } version)
        {
            // If-None-Match takes precedence over If-Modified-Since (RFC 9110 13.2.2).
            return version == current.VersionId;
        }

        // HTTP dates have whole seconds; compare at that precision.
        return preconditions.IfModifiedSince is { } since &&
            current.LastUpdated.ToUnixTimeSeconds() <= since.ToUnixTimeSeconds();
    }
}
