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
        var current = request.CurrentVersion ?? await store.ReadCurrentAsync(type, id, cancellationToken)
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
        if (preconditions.IfNoneMatch is { } ifNoneMatch)
        {
            // When If-None-Match is present, If-Modified-Since is ignored (RFC 9110 13.1.3).
            return ifNoneMatch.Matches(current.VersionId);
        }

        // HTTP dates have whole seconds; compare at that precision.
        return preconditions.IfModifiedSince is { } since &&
            current.LastUpdated.ToUnixTimeSeconds() <= since.ToUnixTimeSeconds();
    }
}
