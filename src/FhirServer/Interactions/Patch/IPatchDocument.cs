using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Interactions.Patch;

/// <summary>A patch in one of the formats of http.html#patch: JSON Patch or FHIRPath Patch.</summary>
internal interface IPatchDocument
{
    /// <summary>The resource that results from applying the patch to <paramref name="current"/>.</summary>
    /// <exception cref="Rest.FhirException">409 for a failed test, 422 when the patch cannot be applied or the result is invalid.</exception>
    Resource Apply(StoredVersion current, FhirSerializers serializers, PatchLimits limits);
}
