using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search.Reindexing;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FhirMh.FhirServer.Search.Stored;

/// <summary>
/// This process's copy of the stored SearchParameters. The database holds the truth (several
/// processes may share it): the copy is reloaded whenever the stamp in
/// <see cref="SearchParameterState"/> differs from the one it was loaded at. Writes compare the
/// stamps inside their own transaction; searches at most once per
/// <see cref="StoredParameterOptions.RefreshInterval"/>.
/// </summary>
internal sealed partial class StoredSearchParameters(
    IServiceScopeFactory scopes,
    IClock clock,
    FhirSerializers serializers,
    IOptions<StoredParameterOptions> options,
    ILogger<StoredSearchParameters> logger) : IDisposable
{
    public const string ResourceType = "SearchParameter";

    private const long NotChecked = long.MinValue;

    private readonly SemaphoreSlim _reload = new(1, 1);
    private StoredParameterSet _current = StoredParameterSet.Unloaded;
    private long _checkedAtTicks = NotChecked;
    private long _invalidations;

    public StoredParameterSet Current => Volatile.Read(ref _current);

    /// <summary>Checks the stamp when the last check is older than the refresh interval, and reloads when it changed.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant().ToUnixTimeTicks();
        var checkedAt = Volatile.Read(ref _checkedAtTicks);
        if (Current.Stamp is not null && checkedAt != NotChecked && now - checkedAt < options.Value.RefreshInterval.Ticks)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        await SyncAsync(scope.ServiceProvider.GetRequiredService<FhirDbContext>(), cancellationToken);
    }

    /// <summary>
    /// Compares the stamp through <paramref name="db"/> (inside a write's transaction, so the
    /// write sees the set its transaction sees) and reloads when it changed.
    /// </summary>
    public Task SyncAsync(FhirDbContext db, CancellationToken cancellationToken) => SyncAsync(db, ReadStampAsync, cancellationToken);

    /// <summary><see cref="SyncAsync(FhirDbContext, CancellationToken)"/> with the stamp read by <paramref name="readStamp"/>.</summary>
    public async Task SyncAsync(FhirDbContext db, Func<FhirDbContext, CancellationToken, Task<long>> readStamp, CancellationToken cancellationToken)
    {
        var invalidations = Interlocked.Read(ref _invalidations);
        var checkedAt = clock.GetCurrentInstant().ToUnixTimeTicks();
        var stamp = await readStamp(db, cancellationToken);
        if (stamp != Current.Stamp)
        {
            await _reload.WaitAsync(cancellationToken);
            try
            {
                if (stamp != Current.Stamp)
                {
                    Volatile.Write(ref _current, await LoadAsync(db, stamp, cancellationToken));
                }
            }
            finally
            {
                _reload.Release();
            }
        }

        // A change committed by this process while the stamp was read must not be hidden for a
        // whole interval behind this check.
        if (Interlocked.Read(ref _invalidations) == invalidations)
        {
            Volatile.Write(ref _checkedAtTicks, checkedAt);
        }
    }

    /// <summary>Makes the next <see cref="RefreshAsync"/> check the database: this process has just changed the set.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _invalidations);
        Volatile.Write(ref _checkedAtTicks, NotChecked);
    }

    public void Dispose() => _reload.Dispose();

    public static Task<long> ReadStampAsync(FhirDbContext db, CancellationToken cancellationToken) =>
        db.SearchParameterStates.Where(s => s.Id == SearchParameterState.SingletonId).Select(s => s.Stamp).SingleAsync(cancellationToken);

    private async Task<StoredParameterSet> LoadAsync(FhirDbContext db, long stamp, CancellationToken cancellationToken)
    {
        // The stamp is read before the rows: a change that commits in between leaves a set newer
        // than its stamp, which the next check replaces; never an older set under a newer stamp.
        var rows = await db.Resources.AsNoTracking()
            .Where(r => r.ResourceType == ResourceType && r.IsCurrent && !r.IsDeleted)
            .OrderBy(r => r.RowId)
            .Select(r => new { r.ResourceId, r.VersionId, r.Json })
            .ToListAsync(cancellationToken);
        var jobs = await db.ReindexJobs.AsNoTracking()
            .Where(j => j.Status == ReindexJobStatus.Pending || j.Status == ReindexJobStatus.Running)
            .Select(j => new IndexingProgress(j.SearchParameterId, j.Processed, j.Total))
            .ToListAsync(cancellationToken);

        var parameters = new List<StoredParameter>();
        foreach (var row in rows)
        {
            try
            {
                if (serializers.ParseJson(row.Json!) is SearchParameter resource && StoredParameterReader.Read(resource, row.ResourceId, row.VersionId) is { } parameter)
                {
                    parameters.Add(parameter);
                }
            }
            catch (FhirException e)
            {
                // Stored before this server checked SearchParameters, or under other rules: it does not apply.
                LogUnusable(logger, row.ResourceId, e.Message);
            }
        }

        LogLoaded(logger, parameters.Count, jobs.Count);
        return new StoredParameterSet(stamp, parameters, jobs);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SearchParameter/{Id} does not apply: {Reason}")]
    private static partial void LogUnusable(ILogger logger, string id, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Loaded {Count} stored search parameters, {Indexing} being indexed")]
    private static partial void LogLoaded(ILogger logger, int count, int indexing);
}
