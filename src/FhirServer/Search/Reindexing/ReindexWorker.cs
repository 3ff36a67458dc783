using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FhirMh.FhirServer.Search.Reindexing;

/// <summary>
/// Runs re-index jobs in every server process: claims a free job by lease, runs its batches
/// while renewing the lease, and gives the lease back when the process stops so that another
/// process resumes the job at its cursor at once (after a crash, once the lease has expired).
/// </summary>
internal sealed partial class ReindexWorker(
    IServiceScopeFactory scopes,
    WriteGate writeGate,
    IClock clock,
    IOptions<ReindexOptions> options,
    ILogger<ReindexWorker> logger) : BackgroundService
{
    /// <summary>Who holds a lease: unique per process (and per host, when tests run several in one process).</summary>
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.IsWorkerEnabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var isIdle = true;
            try
            {
                if (await ClaimAsync(stoppingToken) is { } jobId)
                {
                    isIdle = false;
                    await RunAsync(jobId, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A lost race, a deadlock victim, a dropped connection: the job keeps its cursor and
                // is claimed again. A background failure must not stop the server.
                LogFailed(logger, e);
            }

            if (isIdle)
            {
                try
                {
                    await Task.Delay(options.Value.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<long?> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FhirDbContext>();
        var now = clock.GetCurrentInstant();
        var candidates = await db.ReindexJobs.Where(ReindexLease.IsClaimable(now)).OrderBy(j => j.Id).Select(j => j.Id).Take(8).ToListAsync(cancellationToken);
        foreach (var id in candidates)
        {
            using var turn = await writeGate.EnterAsync(cancellationToken);
            var claimed = await db.ReindexJobs
                .Where(j => j.Id == id)
                .Where(ReindexLease.IsClaimable(now))
                .ExecuteUpdateAsync(
                    s => s.SetProperty(j => j.Status, ReindexJobStatus.Running)
                        .SetProperty(j => j.LeaseOwner, _owner)
                        .SetProperty(j => j.LeaseExpiresAt, now + Duration.FromTimeSpan(options.Value.LeaseDuration))
                        .SetProperty(j => j.UpdatedAt, now),
                    cancellationToken);
            if (claimed == 1)
            {
                LogClaimed(logger, id);
                return id;
            }
        }

        return null;
    }

    private async Task RunAsync(long jobId, CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                if (options.Value.BatchDelay > TimeSpan.Zero)
                {
                    await Task.Delay(options.Value.BatchDelay, stoppingToken);
                }

                await using var scope = scopes.CreateAsyncScope();
                if (!await scope.ServiceProvider.GetRequiredService<ReindexBatch>().RunAsync(jobId, _owner, stoppingToken))
                {
                    return;
                }
            }
        }
        finally
        {
            await ReleaseAsync(jobId);
        }
    }

    /// <summary>Gives the lease back unless the job has ended; runs also while the host stops, so it takes no stopping token.</summary>
    private async Task ReleaseAsync(long jobId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FhirDbContext>();
        using var turn = await writeGate.EnterAsync(CancellationToken.None);
        await db.ReindexJobs
            .Where(j => j.Id == jobId && j.LeaseOwner == _owner)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseOwner, (string?)null).SetProperty(j => j.LeaseExpiresAt, (Instant?)null), CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-index job {JobId} claimed")]
    private static partial void LogClaimed(ILogger logger, long jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-index work failed; the job resumes at its cursor")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
