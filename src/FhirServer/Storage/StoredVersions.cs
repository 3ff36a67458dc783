using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Storage;

internal static class StoredVersions
{
    /// <summary>Rows as <see cref="StoredVersion"/>s, untracked: reads never write back.</summary>
    public static IQueryable<StoredVersion> Project(IQueryable<ResourceRow> rows) =>
        rows.AsNoTracking().Select(r => new StoredVersion(
            r.RowId, r.ResourceType, r.ResourceId, r.VersionId, r.LastUpdated, r.IsDeleted, r.Method, r.Status, r.Json));
}
