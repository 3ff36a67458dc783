using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FhirMh.FhirServer.Subscriptions;

/// <summary>
/// Runs in every server process: keeps the <see cref="SubscriptionCatalog"/> current and, in the
/// one process that holds the dispatcher lease, turns committed changes into notifications and
/// sends them. It works after the writes have committed, so a subscriber never slows a write
/// down, and from tables, so a restart resumes where it stopped.
/// </summary>
internal sealed partial class SubscriptionDispatcher(
    IServiceScopeFactory scopes,
    SubscriptionCatalog catalog,
    WriteGate writeGate,
    IClock clock,
    IOptions<SubscriptionOptions> options,
    ILogger<SubscriptionDispatcher> logger) : BackgroundService
{
    private static readonly Duration PruneInterval = Duration.FromMinutes(1);

    /// <summary>Who holds the lease: unique per process (and per host, when tests run several in one process).</summary>
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    private Instant _lastPruned = Instant.MinValue;

    private bool _isHolder;

    /// <summary>When the lease this process holds runs out unless renewed; renewed once half of it has passed.</summary>
    private Instant _leaseExpiresAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var isBusy = false;
            try
            {
                isBusy = await RoundAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A dropped connection, a lost race: the tables still say what is left to do.
                LogFailed(logger, e);
            }

            if (!isBusy)
            {
                try
                {
                    await Task.Delay(options.Value.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        await ReleaseAsync();
    }

    /// <summary>
    /// One round; true when a batch was full and the next round should start at once. Otherwise
    /// the next waits for the poll interval, so that under a steady load each round takes many
    /// events at once rather than a few at a time.
    /// </summary>
    private async Task<bool> RoundAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<FhirDbContext>();
        await catalog.RefreshAsync(db, services.GetRequiredService<SubscriptionReader>(), cancellationToken);
        if (!options.Value.IsDispatcherEnabled)
        {
            return false;
        }

        // Without subscriptions there are no events nor notifications: nothing to lead.
        if (catalog.Subscriptions.Count == 0)
        {
            return false;
        }

        var now = clock.GetCurrentInstant();
        var duration = Duration.FromTimeSpan(options.Value.LeaseDuration);
        if (!_isHolder || now > _leaseExpiresAt - duration / 2)
        {
            using (await writeGate.EnterAsync(cancellationToken))
            {
                _isHolder = await DispatcherLease.TryHoldAsync(db, _owner, now, duration, cancellationToken);
            }

            _leaseExpiresAt = now + duration;
        }

        if (!_isHolder)
        {
            return false;
        }

        // Numbering new events and sending due ones run side by side, each with its own
        // DbContext, so a slow endpoint does not hold back the events of the others.
        var numbering = NumberEventsAsync(cancellationToken);
        var sending = SendAsync(now, cancellationToken);
        await Task.WhenAll(numbering, sending);
        return await numbering || await sending;
    }

    private async Task<bool> NumberEventsAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SubscriptionEvents>().ProcessAsync(cancellationToken);
    }

    private async Task<bool> SendAsync(Instant now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var notifier = scope.ServiceProvider.GetRequiredService<SubscriptionNotifier>();
        await notifier.ActivateRequestedAsync(cancellationToken);
        var hasSent = await notifier.DeliverDueAsync(cancellationToken);
        await notifier.SendHeartbeatsAsync(cancellationToken);
        if (now - _lastPruned > PruneInterval)
        {
            _lastPruned = now;
            await PruneAsync(scope.ServiceProvider.GetRequiredService<FhirDbContext>(), now, cancellationToken);
        }

        return hasSent;
    }

    /// <summary>Sent and failed notifications leave once past the retention that <c>$events</c> promises.</summary>
    private async Task PruneAsync(FhirDbContext db, Instant now, CancellationToken cancellationToken)
    {
        var horizon = now - Duration.FromTimeSpan(options.Value.EventRetention);
        using var turn = await writeGate.EnterAsync(cancellationToken);
        await db.Set<SubscriptionNotificationRow>()
            .Where(n => n.Status != NotificationStatus.Pending && n.OccurredAt < horizon)
            .ExecuteDeleteAsync(cancellationToken);
    }

    private async Task ReleaseAsync()
    {
        if (!_isHolder)
        {
            return;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            using var turn = await writeGate.EnterAsync(CancellationToken.None);
            await DispatcherLease.ReleaseAsync(scope.ServiceProvider.GetRequiredService<FhirDbContext>(), _owner, CancellationToken.None);
        }
        catch (Exception e) when (e is InvalidOperationException or DbUpdateException or System.Data.Common.DbException)
        {
            // It expires on its own.
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A subscription dispatch round failed; the next round resumes from the tables.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
