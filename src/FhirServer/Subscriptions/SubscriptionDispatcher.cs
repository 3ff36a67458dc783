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
/// <remarks>
/// Each pass of the loop records what finished deliveries did, numbers new events and hands the
/// due notifications of idle subscriptions to deliveries that run on their own. So an event is
/// sent in the pass that numbers it, no slow endpoint holds back numbering or the other
/// subscriptions, and a subscription's next notifications go out as soon as its last delivery is
/// recorded (one delivery per subscription at a time keeps its events in order).
/// </remarks>
internal sealed partial class SubscriptionDispatcher(
    IServiceScopeFactory scopes,
    SubscriptionCatalog catalog,
    NotificationSender sender,
    WriteGate writeGate,
    IClock clock,
    IOptions<SubscriptionOptions> options,
    ILogger<SubscriptionDispatcher> logger) : BackgroundService
{
    private static readonly Duration PruneInterval = Duration.FromMinutes(1);

    /// <summary>
    /// Subscriptions whose endpoints are called at once. Calls mostly wait on the network, and a
    /// subscription left out waits for a later pass, so this is set well above the usual number of
    /// live subscriptions.
    /// </summary>
    private const int Parallelism = 64;

    /// <summary>Who holds the lease: unique per process (and per host, when tests run several in one process).</summary>
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Released when a delivery ends, so the loop records it and goes on at once instead of at the next poll.</summary>
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>
    /// Subscriptions with a delivery under way or not yet recorded, and the delivery. Only the loop
    /// touches it: a subscription is handed out again only after its outcomes are recorded.
    /// </summary>
    private readonly Dictionary<string, Task> _busy = new(StringComparer.Ordinal);

    private readonly Lock _finishedLock = new();

    /// <summary>What ended deliveries did, waiting for the loop to record it; guarded by <see cref="_finishedLock"/>.</summary>
    private List<(string SubscriptionId, List<DeliveryOutcome> Outcomes)> _finished = [];

    /// <summary>Handshakes, heartbeats and pruning: they call endpoints too, so they run beside the loop.</summary>
    private Task _housekeeping = Task.CompletedTask;

    private Instant _lastHousekeeping = Instant.MinValue;

    private Instant _lastPruned = Instant.MinValue;

    private bool _isHolder;

    /// <summary>When the lease this process holds runs out unless renewed; renewed once half of it has passed.</summary>
    private Instant _leaseExpiresAt;

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var isBehind = false;
            try
            {
                isBehind = await PassAsync(stoppingToken);
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

            if (!isBehind)
            {
                try
                {
                    await _wake.WaitAsync(options.Value.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        await FinishAsync();
    }

    /// <summary>
    /// One pass; true when a batch of events was full and the next pass should start at once.
    /// Otherwise the next waits for the poll interval or the end of a delivery, so that under a
    /// steady load each pass takes many events at once rather than a few at a time.
    /// </summary>
    private async Task<bool> PassAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var notifier = services.GetRequiredService<SubscriptionNotifier>();
        var db = services.GetRequiredService<FhirDbContext>();
        await catalog.RefreshAsync(db, services.GetRequiredService<SubscriptionReader>(), cancellationToken);

        // Without subscriptions there are no events nor notifications: nothing to lead.
        if (!options.Value.IsDispatcherEnabled || catalog.Subscriptions.Count == 0)
        {
            await RecordFinishedAsync(notifier, cancellationToken);
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
            // Recorded even by a process that has just lost the lease: those notifications were sent.
            await RecordFinishedAsync(notifier, cancellationToken);
            return false;
        }

        // Recording what ended and numbering new events touch different rows: they run side by
        // side, each with its own DbContext, and both are done before the due queues are read.
        await using var numberingScope = scopes.CreateAsyncScope();
        var numbering = numberingScope.ServiceProvider.GetRequiredService<SubscriptionEvents>().ProcessAsync(cancellationToken);
        var recording = RecordFinishedAsync(notifier, cancellationToken);
        await Task.WhenAll(numbering, recording);
        var isBehind = await numbering;
        StartHousekeeping(now, cancellationToken);
        if (_busy.Count < Parallelism)
        {
            // A delivery ends well within the lease, so that no other process takes over while it sends.
            var deadline = now + (duration / 4);
            foreach (var queue in (await notifier.DueAsync(_busy.Keys, cancellationToken)).Take(Parallelism - _busy.Count))
            {
                _busy[queue.Subscription.Id] = Task.Run(() => DeliverAsync(queue, deadline, cancellationToken), CancellationToken.None);
            }
        }

        return isBehind;
    }

    private async Task DeliverAsync(DueQueue queue, Instant deadline, CancellationToken cancellationToken)
    {
        var outcomes = new List<DeliveryOutcome>();
        try
        {
            await sender.SendAsync(queue, deadline, outcomes, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The attempts made so far are still recorded; the rest of the queue goes out later.
            LogFailed(logger, e);
        }
        finally
        {
            lock (_finishedLock)
            {
                _finished.Add((queue.Subscription.Id, outcomes));
            }

            try
            {
                _wake.Release();
            }
            catch (Exception e) when (e is SemaphoreFullException or ObjectDisposedException)
            {
                // Already woken, or the host has stopped.
            }
        }
    }

    /// <summary>Records what ended deliveries did, in one transaction, and frees their subscriptions for the next.</summary>
    private async Task RecordFinishedAsync(SubscriptionNotifier notifier, CancellationToken cancellationToken)
    {
        List<(string SubscriptionId, List<DeliveryOutcome> Outcomes)> finished;
        lock (_finishedLock)
        {
            (finished, _finished) = (_finished, []);
        }

        if (finished.Count == 0)
        {
            return;
        }

        List<(string SubscriptionId, string Failure)> exhausted;
        try
        {
            exhausted = await notifier.RecordAsync(finished.SelectMany(f => f.Outcomes).ToList(), cancellationToken);
        }
        catch
        {
            // Kept for the next pass; meanwhile the subscriptions stay busy, so nothing is sent twice.
            lock (_finishedLock)
            {
                _finished.AddRange(finished);
            }

            throw;
        }

        foreach (var (subscriptionId, _) in finished)
        {
            _busy.Remove(subscriptionId);
        }

        foreach (var (subscriptionId, failure) in exhausted)
        {
            await notifier.SetErrorAsync(subscriptionId, failure, cancellationToken);
        }
    }

    private void StartHousekeeping(Instant now, CancellationToken cancellationToken)
    {
        if (!_housekeeping.IsCompleted || now - _lastHousekeeping < Duration.FromTimeSpan(options.Value.PollInterval))
        {
            return;
        }

        _lastHousekeeping = now;
        _housekeeping = Task.Run(() => HousekeepAsync(now, cancellationToken), CancellationToken.None);
    }

    private async Task HousekeepAsync(Instant now, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var notifier = scope.ServiceProvider.GetRequiredService<SubscriptionNotifier>();
            await notifier.ActivateRequestedAsync(cancellationToken);
            await notifier.SendHeartbeatsAsync(cancellationToken);
            if (now - _lastPruned > PruneInterval)
            {
                _lastPruned = now;
                await PruneAsync(scope.ServiceProvider.GetRequiredService<FhirDbContext>(), now, cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, e);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    /// <summary>At shutdown: deliveries under way stop after their current attempt and are recorded, then the lease is given up.</summary>
    private async Task FinishAsync()
    {
        try
        {
            await Task.WhenAll([.. _busy.Values, _housekeeping]);
        }
        catch (Exception e)
        {
            // Each delivery ended, one way or another; what it sent is in _finished.
            LogFailed(logger, e);
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await RecordFinishedAsync(scope.ServiceProvider.GetRequiredService<SubscriptionNotifier>(), CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Unrecorded deliveries are sent again after the restart: at least once, never lost.
            LogFailed(logger, e);
        }

        await ReleaseAsync();
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "A subscription dispatch pass failed; the next pass resumes from the tables.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
