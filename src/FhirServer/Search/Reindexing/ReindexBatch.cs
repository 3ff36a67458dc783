using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search.Indexing;
using FhirMh.FhirServer.Search.Parameters;
using FhirMh.FhirServer.Search.Stored;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FhirMh.FhirServer.Search.Reindexing;

/// <summary>
/// One batch of a <see cref="ReindexJob"/> held by this process: the next resources after the
/// cursor are read and evaluated outside any transaction, then their index rows are written,
/// the cursor advanced and the lease renewed in one short transaction.
/// </summary>
internal sealed class ReindexBatch(FhirDbContext db, FhirSerializers serializers, WriteGate writeGate, IClock clock, IOptions<ReindexOptions> options)
{
    /// <summary>Runs the next batch of the job.</summary>
    /// <returns>False when the job is finished or no longer this process's to run.</returns>
    public async Task<bool> RunAsync(long jobId, string owner, CancellationToken cancellationToken)
    {
        var job = await db.ReindexJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null || job.Status != ReindexJobStatus.Running || job.LeaseOwner != owner)
        {
            return false;
        }

        var definitions = await DefinitionsAsync(job, cancellationToken);
        if (definitions is null)
        {
            await FinishAsync(job, owner, ReindexJobStatus.Superseded, cancellationToken);
            return false;
        }

        if (job.LastRowId is not { } lastRowId)
        {
            return await StartAsync(job, owner, cancellationToken);
        }

        var types = job.Types.ToList();
        var rows = await db.Resources.AsNoTracking()
            .Where(r => types.Contains(r.ResourceType) && r.IsCurrent && !r.IsDeleted && r.RowId > job.Cursor && r.RowId <= lastRowId)
            .OrderBy(r => r.RowId)
            .Take(options.Value.BatchSize)
            .Select(r => new { r.RowId, r.ResourceType, r.Json })
            .ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            await FinishAsync(job, owner, ReindexJobStatus.Done, cancellationToken);
            return false;
        }

        var index = new List<IndexRow>();
        foreach (var row in rows)
        {
            var resource = serializers.ParseJson(row.Json!);
            foreach (var indexRow in SearchIndexer.Extract(resource, [definitions[row.ResourceType]]))
            {
                indexRow.RowId = row.RowId;
                index.Add(indexRow);
            }
        }

        return await WriteAsync(job, owner, rows.Select(r => r.RowId).ToList(), index, cancellationToken);
    }

    /// <summary>The parameter as the job's version of the SearchParameter defines it, by base type; null when that version no longer applies.</summary>
    private async Task<Dictionary<string, SearchParameterDefinition>?> DefinitionsAsync(ReindexJob job, CancellationToken cancellationToken)
    {
        var json = await db.Resources.AsNoTracking()
            .Where(r => r.ResourceType == StoredSearchParameters.ResourceType && r.ResourceId == job.SearchParameterId && r.VersionId == job.SearchParameterVersion)
            .Select(r => r.Json)
            .SingleOrDefaultAsync(cancellationToken);
        try
        {
            return json is not null && serializers.ParseJson(json) is SearchParameter resource
                && StoredParameterReader.Read(resource, job.SearchParameterId, job.SearchParameterVersion) is { } parameter
                ? parameter.Definitions.Where(d => job.Types.Contains(d.ResourceType)).ToDictionary(d => d.ResourceType, StringComparer.Ordinal)
                : null;
        }
        catch (FhirException)
        {
            return null;
        }
    }

    /// <summary>
    /// Fixes the last row the job covers. Every write that did not index under the parameter
    /// committed before the SearchParameter did (see <see cref="SearchParameterWrites"/>), so
    /// before this job could be claimed: its row is at most the largest row id now.
    /// </summary>
    private async Task<bool> StartAsync(ReindexJob job, string owner, CancellationToken cancellationToken)
    {
        var types = job.Types.ToList();
        var lastRowId = await db.Resources.MaxAsync(r => (long?)r.RowId, cancellationToken) ?? 0;
        var total = await db.Resources.LongCountAsync(r => types.Contains(r.ResourceType) && r.IsCurrent && !r.IsDeleted && r.RowId <= lastRowId, cancellationToken);
        var now = clock.GetCurrentInstant();
        using var turn = await writeGate.EnterAsync(cancellationToken);
        var updated = await db.ReindexJobs
            .Where(ReindexLease.IsHeldBy(job.Id, owner, now))
            .ExecuteUpdateAsync(
                s => s.SetProperty(j => j.LastRowId, lastRowId)
                    .SetProperty(j => j.Total, total)
                    .SetProperty(j => j.StartedAt, now)
                    .SetProperty(j => j.UpdatedAt, now)
                    .SetProperty(j => j.LeaseExpiresAt, now + NodaTime.Duration.FromTimeSpan(options.Value.LeaseDuration)),
                cancellationToken);
        return updated == 1;
    }

    private async Task<bool> WriteAsync(ReindexJob job, string owner, List<long> rowIds, List<IndexRow> index, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        using var turn = await writeGate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // First the job row: on PostgreSQL its row lock orders this batch against a write of the
        // SearchParameter, which supersedes the job; after one, this updates nothing and the batch is dropped.
        var updated = await db.ReindexJobs
            .Where(ReindexLease.IsHeldBy(job.Id, owner, now))
            .ExecuteUpdateAsync(
                s => s.SetProperty(j => j.Cursor, rowIds[^1])
                    .SetProperty(j => j.Processed, j => j.Processed + rowIds.Count)
                    .SetProperty(j => j.UpdatedAt, now)
                    .SetProperty(j => j.LeaseExpiresAt, now + NodaTime.Duration.FromTimeSpan(options.Value.LeaseDuration)),
                cancellationToken);
        if (updated != 1)
        {
            return false;
        }

        var current = await CurrentAsync(rowIds, cancellationToken);

        // A version written after the SearchParameter already has rows under the code, and an
        // earlier version of the SearchParameter may have left some: replace, so that running a
        // row twice changes nothing.
        var code = job.Code;
        var ids = current.ToList();
        await db.StringIndex.Where(r => r.Param == code && ids.Contains(r.RowId)).ExecuteDeleteAsync(cancellationToken);
        await db.TokenIndex.Where(r => r.Param == code && ids.Contains(r.RowId)).ExecuteDeleteAsync(cancellationToken);
        await db.DateIndex.Where(r => r.Param == code && ids.Contains(r.RowId)).ExecuteDeleteAsync(cancellationToken);
        await db.NumberIndex.Where(r => r.Param == code && ids.Contains(r.RowId)).ExecuteDeleteAsync(cancellationToken);
        await db.QuantityIndex.Where(r => r.Param == code && ids.Contains(r.RowId)).ExecuteDeleteAsync(cancellationToken);
        await db.ReferenceIndex.Where(r => r.Param == code && ids.Contains(r.RowId)).ExecuteDeleteAsync(cancellationToken);
        await db.UriIndex.Where(r => r.Param == code && ids.Contains(r.RowId)).ExecuteDeleteAsync(cancellationToken);
        db.AddRange(index.Where(r => current.Contains(r.RowId)));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return true;
    }

    /// <summary>
    /// Which of the rows are still current, locked against being superseded until the batch
    /// commits. A row superseded before this read gets no index rows (its writer indexed the new
    /// version); one superseded after the commit loses them with the writer's delete of the old
    /// version's rows, which waits for this lock and then sees them (PostgreSQL FOR SHARE; on
    /// SQLite the write gate keeps every writer out of this transaction).
    /// </summary>
    private async Task<HashSet<long>> CurrentAsync(List<long> rowIds, CancellationToken cancellationToken)
    {
        if (db.IsPostgres)
        {
            var ids = rowIds.ToArray();
            var locked = await db.Database
                .SqlQuery<long>($"SELECT row_id AS \"Value\" FROM resources WHERE row_id = ANY({ids}) AND is_current AND NOT is_deleted ORDER BY row_id FOR SHARE")
                .ToListAsync(cancellationToken);
            return [.. locked];
        }

        var current = await db.Resources.Where(r => rowIds.Contains(r.RowId) && r.IsCurrent && !r.IsDeleted).Select(r => r.RowId).ToListAsync(cancellationToken);
        return [.. current];
    }

    /// <summary>Ends the job and, when done, gives the parameter set a new stamp so that searches stop warning.</summary>
    private async Task<bool> FinishAsync(ReindexJob job, string owner, ReindexJobStatus status, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        using var turn = await writeGate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.ReindexJobs
            .Where(ReindexLease.IsHeldBy(job.Id, owner, now))
            .ExecuteUpdateAsync(
                s => s.SetProperty(j => j.Status, status)
                    .SetProperty(j => j.FinishedAt, now)
                    .SetProperty(j => j.UpdatedAt, now)
                    .SetProperty(j => j.LeaseOwner, (string?)null)
                    .SetProperty(j => j.LeaseExpiresAt, (Instant?)null),
                cancellationToken);
        if (updated == 1)
        {
            await db.SearchParameterStates
                .Where(s => s.Id == SearchParameterState.SingletonId)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Stamp, Random.Shared.NextInt64()), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return updated == 1;
    }
}
