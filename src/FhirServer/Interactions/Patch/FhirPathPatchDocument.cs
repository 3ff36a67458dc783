using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using System.Text;

namespace FhirMh.FhirServer.Interactions.Patch;

/// <summary>
/// A FHIRPath Patch (http://hl7.org/fhir/R4/fhirpatch.html): a Parameters resource whose
/// <c>operation</c> parameters add, insert, delete, replace or move elements named by FHIRPath.
/// Operations run in order on a parsed copy of the current version.
/// </summary>
internal sealed class FhirPathPatchDocument : IPatchDocument
{
    private readonly IReadOnlyList<FhirPathPatchOperation> _operations;

    private FhirPathPatchDocument(IReadOnlyList<FhirPathPatchOperation> operations) => _operations = operations;

    /// <exception cref="FhirException">400 when the Parameters are not a FHIRPath Patch.</exception>
    public static FhirPathPatchDocument Parse(Resource body)
    {
        if (body is not Parameters parameters)
        {
            throw FhirException.BadRequest($"A FHIRPath Patch is a Parameters resource, not a {body.TypeName}.", "resourceType");
        }

        if (parameters.Parameter.Count == 0)
        {
            throw FhirException.BadRequest("The FHIRPath Patch has no operation.", "Parameters.parameter");
        }

        return new FhirPathPatchDocument(parameters.Parameter.Select(FhirPathPatchOperation.Parse).ToList());
    }

    /// <remarks>
    /// The size and depth limits are enforced by the round trip: the result is held to the same
    /// JSON depth limit as any request body.
    /// </remarks>
    public Resource Apply(StoredVersion current, FhirSerializers serializers, PatchLimits limits)
    {
        var resource = serializers.ParseJson(current.Json!);
        foreach (var operation in _operations)
        {
            operation.Apply(resource);
        }

        // Round-trip through JSON so that whatever the operations built is checked like any body,
        // depth limit included (the UTF-8 overload reads with the request limit).
        return BodyParseErrors.Parse(
            () => serializers.ParseJson(Encoding.UTF8.GetBytes(serializers.ToJson(resource))),
            StatusCodes.Status422UnprocessableEntity);
    }
}
