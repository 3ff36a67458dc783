using System.Globalization;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Storage;

namespace FhirMh.FhirServer.Interactions;

/// <summary>vread: one version by its versionId; a tombstone version answers 410 Gone.</summary>
internal sealed class VReadInteraction(ResourceStore store)
{
    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var type = request.ResourceType!;
        var id = request.Id!;
        if (!int.TryParse(request.VersionId, NumberStyles.None, CultureInfo.InvariantCulture, out var versionId) || versionId < 1)
        {
            throw FhirException.NotFound($"{type}/{id} has no version '{request.VersionId}': versions are positive integers.");
        }

        var version = await store.ReadVersionAsync(type, id, versionId, cancellationToken)
            ?? throw FhirException.NotFound($"{type}/{id} has no version {versionId}.");
        if (version.IsDeleted)
        {
            throw FhirException.Gone($"Version {versionId} of {type}/{id} is its deletion.");
        }

        return FhirResponse.Of(StatusCodes.Status200OK, version);
    }
}
