using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Operations;

/// <summary>The current version of a resource an instance operation works on, parsed.</summary>
internal static class StoredResources
{
    /// <exception cref="FhirException">404 when it never existed, 410 when it was deleted.</exception>
    public static async Task<Resource> ReadAsync(ResourceStore store, FhirSerializers serializers, string type, string id, CancellationToken cancellationToken)
    {
        var current = await store.ReadCurrentAsync(type, id, cancellationToken)
            ?? throw FhirException.NotFound($"{type}/{id} is not known.");
        return current is { IsDeleted: false, Json: { } json }
            ? serializers.ParseJson(json)
            : throw FhirException.Gone($"{type}/{id} was deleted.");
    }
}
