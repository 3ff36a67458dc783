using FhirMh.FhirServer.Storage;

namespace FhirMh.FhirServer.Validation;

/// <summary>
/// Stored resources by canonical URL, through the search index: the <c>url</c> uri parameter and
/// the <c>version</c> token parameter that R4 defines on every canonical resource type
/// (searchparameter-registry.html). Index rows exist only for current, non-deleted versions.
/// </summary>
internal static class StoredCanonicals
{
    /// <summary>The current, non-deleted resources of <paramref name="types"/> whose <c>url</c> is <paramref name="url"/>.</summary>
    public static IQueryable<ResourceRow> WithUrl(FhirDbContext db, string url, string[] types) =>
        db.UriIndex
            .Where(x => x.Param == "url" && x.Value == url && types.Contains(x.ResourceType))
            .Join(db.Resources, x => x.RowId, r => r.RowId, (x, r) => r)
            .Where(r => r.IsCurrent && !r.IsDeleted);

    /// <summary>Those of <paramref name="rows"/> whose <c>version</c> is exactly <paramref name="version"/>.</summary>
    public static IQueryable<ResourceRow> WithVersion(this IQueryable<ResourceRow> rows, FhirDbContext db, string version) =>
        rows.Where(r => db.TokenIndex.Any(t => t.RowId == r.RowId && t.Param == "version" && t.Code == version));
}
