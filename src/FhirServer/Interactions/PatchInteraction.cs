using FhirMh.FhirServer.Hosting;
using FhirMh.FhirServer.Interactions.Patch;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// patch (http.html#patch) with a JSON Patch (RFC 6902) or a FHIRPath Patch. The client's preconditions are
/// checked first (RFC 9110 13.2.2); the patch is then applied to the current version, the result
/// must still be a valid resource of the same type and id, and it may only replace the exact
/// version it was computed from. A writer that got in between makes the patch run again on the
/// newer version.
/// </summary>
internal sealed class PatchInteraction(ResourceStore store, FhirSerializers serializers, IOptions<LimitsOptions> limits, ConditionalMatches conditional, WritePipeline pipeline)
{
    private const int MaxAttempts = 8;

    /// <summary>Conditional patch (http.html#patch): the criteria in the query must match exactly one resource.</summary>
    private async Task<string> ConditionalTargetAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var criteria = ConditionalMatches.Criteria(request);
        var matches = await conditional.FindAsync(request.ResourceType!, criteria, request.BaseUrl, 2, cancellationToken);
        return matches.Count switch
        {
            0 => throw FhirException.NotFound($"No {request.ResourceType} matches the criteria of the conditional patch."),
            1 => matches[0],
            _ => throw FhirException.PreconditionFailed($"The criteria match more than one {request.ResourceType}; a conditional patch needs exactly one."),
        };
    }

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var type = request.ResourceType!;
        var id = request.Id ?? await ConditionalTargetAsync(request, cancellationToken);
        var patch = request.Patch ?? throw FhirException.BadRequest("A patch needs a JSON Patch document in the body.");
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var current = await store.ReadCurrentAsync(type, id, cancellationToken)
                ?? throw FhirException.NotFound($"{type}/{id} is not known.");
            if (current.IsDeleted)
            {
                throw FhirException.Gone($"{type}/{id} was deleted (version {current.VersionId}); a deleted resource cannot be patched.");
            }

            request.Preconditions.Check(type, id, current);
            var patched = Apply(patch, current);

            // The patched resource is validated like any other write (http.html#patch).
            var prepared = await pipeline.PrepareAsync(patched, request.Preconditions, cancellationToken);
            try
            {
                var (result, issues) = await pipeline.WriteAsync(
                    prepared, r => store.UpdateAsync(r, Preconditions.ExactlyVersion(current.VersionId), "PATCH", cancellationToken), r => r.Version, cancellationToken);
                var written = result.Version!;
                return new FhirResponse(StatusCodes.Status200OK) { Version = written, Location = written.VersionPath, IsWrite = true, Issues = issues };
            }
            catch (VersionMismatchException) when (store.IsInTransaction)
            {
                // Inside a transaction Bundle a lost race is not retried (the database transaction may
                // no longer be usable); the whole transaction fails instead (http.html#transaction).
                throw FhirException.Conflict($"{type}/{id} was changed by another request while the transaction patched it; retry the transaction.");
            }
            catch (VersionMismatchException)
            {
                // Another write landed between the read and this one: check and patch the newer version.
            }
        }

        throw FhirException.Conflict($"{type}/{id} kept changing while the patch was applied ({MaxAttempts} attempts); retry later.");
    }

    private Resource Apply(IPatchDocument patch, StoredVersion current)
    {
        // A body of MaxBodyBytes holds at most about MaxBodyBytes / 8 JSON values (the smallest,
        // like `1,` inside an array, take a few bytes); a patch may touch no more than that.
        var patchLimits = new PatchLimits(limits.Value.MaxBodyBytes / 8, (2 * limits.Value.MaxJsonDepth) + 2);
        var resource = patch.Apply(current, serializers, patchLimits);
        if (resource.TypeName != current.ResourceType || resource.Id != current.ResourceId)
        {
            throw FhirException.Of(
                StatusCodes.Status422UnprocessableEntity,
                OperationOutcome.IssueType.Processing,
                $"A patch cannot change the resource type or id of {current.ResourceType}/{current.ResourceId}.",
                resource.Id != current.ResourceId ? $"{current.ResourceType}.id" : "resourceType");
        }

        return resource;
    }
}
