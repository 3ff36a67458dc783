using System.Text;
using System.Text.Json.Nodes;
using FhirMh.FhirServer.Interactions.Patch;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// patch (http.html#patch) with a JSON Patch document (RFC 6902). The patch is applied to the
/// current version and the result must still be a valid resource of the same type and id. A
/// patch is version-sensitive, so the write is conditional on the version it was applied to:
/// the client's If-Match when given, otherwise the version just read (and a lost race re-applies
/// the patch to the newer version).
/// </summary>
internal sealed class PatchInteraction(ResourceStore store, FhirSerializers serializers)
{
    private const int MaxAttempts = 8;

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var type = request.ResourceType!;
        var id = request.Id!;
        var patch = request.Patch ?? throw FhirException.BadRequest("A patch needs a JSON Patch document in the body.");
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.ReadCurrentAsync(type, id, cancellationToken)
                ?? throw FhirException.NotFound($"{type}/{id} is not known.");
            if (current.IsDeleted)
            {
                throw FhirException.Gone($"{type}/{id} was deleted (version {current.VersionId}); a deleted resource cannot be patched.");
            }

            var patched = Apply(patch, current);
            var preconditions = request.Preconditions.IfMatch is null
                ? request.Preconditions with { IfMatch = new ETagCondition(IsAny: false, [current.VersionId]) }
                : request.Preconditions;
            try
            {
                var result = await store.UpdateAsync(patched, preconditions, "PATCH", cancellationToken);
                var written = result.Version!;
                return new FhirResponse(StatusCodes.Status200OK)
                {
                    Version = written,
                    Location = $"{written.ResourceType}/{written.ResourceId}/_history/{written.VersionId}",
                    IsWrite = true,
                };
            }
            catch (VersionMismatchException) when (request.Preconditions.IfMatch is null && attempt < MaxAttempts)
            {
                // Another write landed between the read and this one: patch the newer version.
            }
        }
    }

    private Resource Apply(JsonPatchDocument patch, StoredVersion current)
    {
        JsonNode patched;
        try
        {
            patched = patch.Apply(JsonNode.Parse(current.Json!)!);
        }
        catch (JsonPatchException e)
        {
            throw FhirException.Of(StatusCodes.Status422UnprocessableEntity, OperationOutcome.IssueType.Processing, e.Message);
        }

        Resource resource;
        try
        {
            resource = serializers.ParseJson(Encoding.UTF8.GetBytes(patched.ToJsonString()));
        }
        catch (DeserializationFailedException e)
        {
            throw BodyParseErrors.From(e, StatusCodes.Status422UnprocessableEntity);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            throw FhirException.Of(StatusCodes.Status422UnprocessableEntity, OperationOutcome.IssueType.Structure, $"The patched document is not a FHIR resource: {e.Message}");
        }

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
