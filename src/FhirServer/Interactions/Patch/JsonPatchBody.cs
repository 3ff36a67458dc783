using System.Text;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Interactions.Patch;

/// <summary>A JSON Patch (RFC 6902) applied to the stored JSON, whose result must parse as FHIR.</summary>
internal sealed class JsonPatchBody(JsonPatchDocument document) : IPatchDocument
{
    public Resource Apply(StoredVersion current, FhirSerializers serializers, PatchLimits limits)
    {
        System.Text.Json.Nodes.JsonNode patched;
        try
        {
            patched = document.Apply(serializers.ParseStoredNode(current.Json!), new JsonPatchBudget(limits.MaxNodes, limits.MaxDepth));
        }
        catch (JsonPatchException e)
        {
            // A failed "test" means the resource is not in the state the client expected (RFC 5789 2.2: 409).
            throw e.IsFailedTest
                ? FhirException.Of(StatusCodes.Status409Conflict, OperationOutcome.IssueType.Conflict, e.Message, $"[{e.OperationIndex}]")
                : FhirException.Of(StatusCodes.Status422UnprocessableEntity, OperationOutcome.IssueType.Processing, e.Message, $"[{e.OperationIndex}]");
        }

        return BodyParseErrors.Parse(
            () => serializers.ParseJson(Encoding.UTF8.GetBytes(patched.ToJsonString())),
            StatusCodes.Status422UnprocessableEntity);
    }
}
