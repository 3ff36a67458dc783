using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Storage;

/// <summary>Reads pages of history (http.html#history), newest first, keyed on the row id.</summary>
internal sealed class HistoryReader(FhirDbContext db)
{
    public async Task<IReadOnlyList<StoredVersion>> ReadAsync(HistoryQuery query, CancellationToken cancellationToken)
    {
        var rows = db.Resources.AsQueryable();
        if (query.ResourceType is not null)
        {
            rows = rows.Where(r => r.ResourceType == query.ResourceType);
        }

        if (query.ResourceId is not null)
        {
            rows = rows.Where(r => r.ResourceId == query.ResourceId);
        }

        if (query.Since is { } since)
        {
            rows = rows.Where(r => r.LastUpdated >= since);
        }

        if (query.Page is { IsNewer: true } newer)
        {
            // Walking back towards newer versions: read upwards, then present newest first.
            var page = await StoredVersions.Project(rows.Where(r => r.RowId > newer.RowId).OrderBy(r => r.RowId).Take(query.Count + 1))
                .ToListAsync(cancellationToken);
            page.Reverse();
            return page;
        }

        if (query.Page is { } older)
        {
            rows = rows.Where(r => r.RowId < older.RowId);
        }

        return await StoredVersions.Project(rows.OrderByDescending(r => r.RowId).Take(query.Count + 1)).ToListAsync(cancellationToken);
    }
}
