using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace FhirMh.FhirServer.Storage;

/// <summary>Reads pages of history (http.html#history), newest first, keyed on the row id.</summary>
internal sealed class HistoryReader(FhirDbContext db, WriteLock writeLock, IClock clock)
{
    /// <summary>
    /// The horizon H of a history response: every version with lastUpdated &lt; H has committed by
    /// the time this returns, and none can commit later, so the versions since <c>_since</c> and
    /// below H are a closed set, and a client that next asks with <c>_since</c> = H gets exactly the
    /// versions this response could not contain. Transactions commit in another order than they
    /// read the clock, so "now" alone is not such a point: H is read from the clock first, then the
    /// writes in flight are waited for (<see cref="WriteLock"/>), since any of them may have
    /// stamped its versions before H.
    /// </summary>
    /// <param name="since">The request's <c>_since</c>: H is never before it, so a client's position only moves forward.</param>
    /// <param name="lag">How far H stays behind this process's clock, for the clocks of other processes (HistoryOptions.HorizonLag).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <remarks>
    /// Inside a transaction Bundle the wait is skipped (it would wait for the Bundle's own
    /// transaction). On SQLite that transaction holds the only write turn, so H is exact all the
    /// same; on PostgreSQL writes of other transactions may still commit below it.
    /// </remarks>
    public async Task<Instant> HorizonAsync(Instant? since, Duration lag, CancellationToken cancellationToken)
    {
        var horizon = StoredInstants.Floor(clock.GetCurrentInstant() - lag);
        if (db.Database.CurrentTransaction is null)
        {
            await writeLock.AwaitWritesInFlightAsync(db, cancellationToken);
        }

        return since is { } s && StoredInstants.Ceiling(s) > horizon ? StoredInstants.Ceiling(s) : horizon;
    }

    public async Task<IReadOnlyList<StoredVersion>> ReadAsync(HistoryQuery query, CancellationToken cancellationToken)
    {
        var horizon = query.Horizon;
        var rows = db.Resources.PlannedForItsValues().Where(r => r.LastUpdated < horizon);
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

        if (query.Visible is { } visible)
        {
            rows = rows.Where(r => visible.Any(c => c.ResourceType == r.ResourceType && c.ResourceId == r.ResourceId));
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
