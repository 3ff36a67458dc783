using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Operations;

/// <summary>The current version of a stored resource, parsed: the one an instance operation works on, or one read beside a write.</summary>
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

    /// <summary>The current version parsed, or null when it never existed or was deleted.</summary>
    public static async Task<T?> ReadLiveAsync<T>(ResourceStore store, FhirSerializers serializers, string id, CancellationToken cancellationToken)
        where T : Resource =>
        (T?)await ReadLiveAsync(store, serializers, typeof(T).Name, id, cancellationToken);

    /// <summary>The current version of <paramref name="type"/>/<paramref name="id"/> parsed, or null when it never existed or was deleted.</summary>
    public static async Task<Resource?> ReadLiveAsync(ResourceStore store, FhirSerializers serializers, string type, string id, CancellationToken cancellationToken) =>
        await store.ReadCurrentAsync(type, id, cancellationToken) is { IsDeleted: false, Json: { } json } ? serializers.ParseJson(json) : null;
}
