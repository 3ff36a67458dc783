using FhirMh.FhirServer.Rest;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Interactions;

internal static class RequestBody
{
    /// <summary>The body of a create or update, which must be of the type named in the URL.</summary>
    public static Resource Require(FhirRequest request)
    {
        var resource = request.Resource
            ?? throw FhirException.BadRequest($"A {request.Interaction} needs a {request.ResourceType} resource in the body.");
        if (resource.TypeName != request.ResourceType)
        {
            throw FhirException.BadRequest(
                $"The body is a {resource.TypeName}, but the URL is for {request.ResourceType}.", "resourceType");
        }

        return resource;
    }
}
