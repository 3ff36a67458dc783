using FhirMh.FhirServer.Search.Indexing;
using FhirMh.FhirServer.Serialization;
using Hl7.Fhir.Model;
using NodaTime;

namespace FhirMh.FhirServer.Storage;

/// <summary>
/// Builds the rows of a new version: the version row with its JSON (which already carries
/// <c>meta.versionId</c> and <c>meta.lastUpdated</c>) and its index rows, or a tombstone.
/// </summary>
internal sealed class VersionRows(IClock clock, FhirSerializers serializers, SearchIndexer indexer)
{
    /// <summary>The version row and its index rows, linked so that one SaveChanges writes both.</summary>
    public (ResourceRow Row, List<IndexRow> Index) New(Resource resource, int versionId, string method, int status)
    {
        var lastUpdated = Now();
        resource.Meta ??= new Meta();
        resource.Meta.VersionId = versionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        resource.Meta.LastUpdated = lastUpdated.ToDateTimeOffset();
        var row = new ResourceRow
        {
            ResourceType = resource.TypeName,
            ResourceId = resource.Id!,
            VersionId = versionId,
            IsCurrent = true,
            IsDeleted = false,
            Method = method,
            Status = status,
            LastUpdated = lastUpdated,
            Json = serializers.ToJson(resource),
        };
        var index = indexer.Extract(resource);
        foreach (var indexRow in index)
        {
            indexRow.Row = row;
        }

        return (row, index);
    }

    public ResourceRow Tombstone(string type, string id, int versionId) => new()
    {
        ResourceType = type,
        ResourceId = id,
        VersionId = versionId,
        IsCurrent = true,
        IsDeleted = true,
        Method = "DELETE",
        Status = StatusCodes.Status204NoContent,
        LastUpdated = Now(),
        Json = null,
    };

    /// <summary>Now, at the precision the store keeps (<see cref="StoredInstants"/>).</summary>
    private Instant Now() => StoredInstants.Floor(clock.GetCurrentInstant());
}
