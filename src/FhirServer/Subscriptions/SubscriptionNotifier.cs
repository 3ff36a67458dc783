using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FhirMh.FhirServer.Subscriptions;

/// <summary>
/// The dispatcher's sending side, as far as the database goes: handshakes that activate requested
/// subscriptions, which event notifications are due, what their deliveries did (retries with
/// doubling back-off, the move to <c>error</c> once a notification has used its attempts), and
/// heartbeats. The event notifications themselves are sent by <see cref="NotificationSender"/>.
/// </summary>
internal sealed partial class SubscriptionNotifier(
    FhirDbContext db,
    ResourceStore store,
    WriteGate writeGate,
    SubscriptionCatalog catalog,
    SubscriptionDelivery delivery,
    FhirSerializers serializers,
    IClock clock,
    IOptions<SubscriptionOptions> options,
    ILogger<SubscriptionNotifier> logger)
{
    /// <summary>Notifications of one subscription handed to one delivery.</summary>
    private const int PerSubscription = 50;

    /// <summary>
    /// Activates requested subscriptions: a topic-based one after a handshake its endpoint accepts
    /// (backport IG, "Handshake"), else it goes to error; one with R4 criteria at once, as R4 has no handshake.
    /// </summary>
    public async Task ActivateRequestedAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        // Activation waits until every process has had time to read the Subscription and record
        // the changes it listens to (SubscriptionCatalog), so none made after it is active escapes.
        var settled = now - NodaTime.Duration.FromTimeSpan(options.Value.ActivationDelay);
        foreach (var subscription in catalog.Subscriptions.Where(s => s.Status == ParsedSubscription.Requested && s.LastUpdated <= settled))
        {
            // The catalog may not show yet the activation of a round before: the stored version
            // decides, so an endpoint gets one handshake per requested version.
            if (await StoredAsync(subscription.Id, decidedOn: subscription.LastUpdated, cancellationToken) is null)
            {
                continue;
            }

            var active = subscription with { Status = ParsedSubscription.Active };
            var failure = subscription.IsTopicBased
                ? await delivery.PostAsync(active, serializers.ToJson(NotificationBundles.Build(active, subscription.BaseUrl, NotificationType.Handshake, 0, [], PayloadContent.Empty, now)), cancellationToken)
                : null;
            await SetStatusAsync(subscription.Id, failure is null ? ParsedSubscription.Active : ParsedSubscription.Error, failure is null ? null : $"The handshake failed: {failure}", cancellationToken, decidedOn: subscription.LastUpdated);
            if (failure is null)
            {
                await MarkSentAsync([subscription.Id], now, cancellationToken);
            }
        }
    }

    /// <summary>
    /// The due heads of the queues of live subscriptions other than <paramref name="busy"/> (those
    /// with a delivery under way): at most a few notifications each, so a long queue does not hide
    /// the others. A queue whose head waits for a retry waits as a whole.
    /// </summary>
    public async Task<List<DueQueue>> DueAsync(IReadOnlyCollection<string> busy, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var live = catalog.Subscriptions.Where(s => s.IsLive(now) && !busy.Contains(s.Id)).ToDictionary(s => s.Id);
        if (live.Count == 0)
        {
            return [];
        }

        var ids = live.Keys.ToList();
        var queued = db.Set<SubscriptionNotificationRow>().AsNoTracking().Where(n => n.Status == NotificationStatus.Pending && ids.Contains(n.SubscriptionId));
        var heads = queued.GroupBy(n => n.SubscriptionId).Select(g => new { SubscriptionId = g.Key, First = g.Min(n => n.EventNumber) });
        var pending = await queued
            .Join(heads, n => n.SubscriptionId, h => h.SubscriptionId, (n, h) => new { Notification = n, h.First })
            .Where(x => x.Notification.EventNumber < x.First + PerSubscription)
            .Select(x => x.Notification)
            .Join(db.Resources, n => n.RowId, r => r.RowId, (n, r) => new PendingNotification(n.Id, n.SubscriptionId, n.EventNumber, n.Attempts, n.NextAttemptAt, n.OccurredAt, r.ResourceType, r.ResourceId, r.VersionId, r.Method, r.Status, r.Json))
            .ToListAsync(cancellationToken);
        return pending.GroupBy(p => p.SubscriptionId)
            .Select(g => g.OrderBy(p => p.EventNumber).ToList())
            .Where(q => q[0].NextAttemptAt <= now)
            .OrderBy(q => q[0].OccurredAt) // the longest waiting first, when there are more than one pass hands out
            .Select(q => new DueQueue(live[q[0].SubscriptionId], q))
            .ToList();
    }

    /// <summary>Heartbeats (backport-heartbeat-period) to live topic-based subscriptions that have been silent that long.</summary>
    public async Task SendHeartbeatsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var beating = catalog.Subscriptions.Where(s => s.IsLive(now) && s.IsTopicBased && s.HeartbeatPeriod is not null).ToList();
        if (beating.Count == 0)
        {
            return;
        }

        var ids = beating.Select(s => s.Id).ToList();
        var states = await db.Set<SubscriptionStateRow>().AsNoTracking().Where(s => ids.Contains(s.SubscriptionId)).ToDictionaryAsync(s => s.SubscriptionId, cancellationToken);
        var sent = new List<string>();
        foreach (var subscription in beating)
        {
            if (!states.TryGetValue(subscription.Id, out var state) || (state.LastSentAt is { } last && last + subscription.HeartbeatPeriod!.Value > now))
            {
                continue;
            }

            var heartbeat = NotificationBundles.Build(subscription, subscription.BaseUrl, NotificationType.Heartbeat, state.EventCount, [], PayloadContent.Empty, now);
            if (await delivery.PostAsync(subscription, serializers.ToJson(heartbeat), cancellationToken) is null)
            {
                sent.Add(subscription.Id);
            }
        }

        await MarkSentAsync(sent, now, cancellationToken);
    }

    /// <summary>
    /// Records what deliveries did, in one transaction: sent notifications are marked delivered,
    /// failed ones wait for their next attempt, and a subscription whose notification used its
    /// attempts is returned, to be set to <c>error</c> (<see cref="SetErrorAsync"/>) once this has committed.
    /// </summary>
    public async Task<List<(string SubscriptionId, string Failure)>> RecordAsync(IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken cancellationToken)
    {
        var exhausted = new List<(string SubscriptionId, string Failure)>();
        if (outcomes.Count == 0)
        {
            return exhausted;
        }

        var now = clock.GetCurrentInstant();
        var delivered = outcomes.Where(o => o.Failure is null).Select(o => o.Notification.Id).ToList();
        using (await writeGate.EnterAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (delivered.Count > 0)
            {
                await db.Set<SubscriptionNotificationRow>().Where(n => delivered.Contains(n.Id))
                    .ExecuteUpdateAsync(s => s.SetProperty(n => n.Status, NotificationStatus.Delivered).SetProperty(n => n.Attempts, n => n.Attempts + 1).SetProperty(n => n.LastError, (string?)null), cancellationToken);
                var sent = outcomes.Where(o => o.Failure is null).Select(o => o.Notification.SubscriptionId).Distinct().ToList();
                await db.Set<SubscriptionStateRow>().Where(s => sent.Contains(s.SubscriptionId)).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSentAt, now), cancellationToken);
            }

            foreach (var (notification, failure) in outcomes.Where(o => o.Failure is not null))
            {
                var attempts = notification.Attempts + 1;
                var isExhausted = attempts >= options.Value.MaxAttempts;
                var next = now + NodaTime.Duration.FromTimeSpan(Backoff(attempts));
                await db.Set<SubscriptionNotificationRow>().Where(n => n.Id == notification.Id)
                    .ExecuteUpdateAsync(
                        s => s.SetProperty(n => n.Status, isExhausted ? NotificationStatus.Failed : NotificationStatus.Pending)
                            .SetProperty(n => n.Attempts, attempts)
                            .SetProperty(n => n.NextAttemptAt, next)
                            .SetProperty(n => n.LastError, Truncate(failure!)),
                        cancellationToken);
                LogFailed(logger, notification.SubscriptionId, notification.EventNumber, attempts, failure!);
                if (isExhausted)
                {
                    exhausted.Add((notification.SubscriptionId, failure!));
                }
            }

            await transaction.CommitAsync(cancellationToken);
        }

        return exhausted;
    }

    /// <summary>Sets a subscription whose notification used all its attempts to <c>error</c>.</summary>
    public Task SetErrorAsync(string subscriptionId, string failure, CancellationToken cancellationToken) =>
        SetStatusAsync(subscriptionId, ParsedSubscription.Error, $"A notification could not be delivered after {options.Value.MaxAttempts} attempts: {failure}", cancellationToken);

    /// <summary>The wait after <paramref name="attempts"/> failed attempts: doubling from RetryDelay, at most MaxRetryDelay.</summary>
    private TimeSpan Backoff(int attempts)
    {
        var delay = options.Value.RetryDelay * Math.Pow(2, Math.Min(attempts - 1, 30));
        return delay < options.Value.MaxRetryDelay ? delay : options.Value.MaxRetryDelay;
    }

    private async Task MarkSentAsync(List<string> ids, Instant now, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }

        using var turn = await writeGate.EnterAsync(cancellationToken);
        await db.Set<SubscriptionStateRow>().Where(s => ids.Contains(s.SubscriptionId)).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSentAt, now), cancellationToken);
    }

    /// <summary>
    /// The server's own change of a Subscription's status, as a new version of it (so a client sees
    /// it on read and in history), written only over the version it decided on: a client's update
    /// in between wins. An activation passes the version it handshook for (<paramref name="decidedOn"/>,
    /// its lastUpdated): a version written since waits for its own activation delay and handshake.
    /// </summary>
    private async Task SetStatusAsync(string id, string status, string? error, CancellationToken cancellationToken, Instant? decidedOn = null)
    {
        if (await StoredAsync(id, decidedOn, cancellationToken) is not (var current, var subscription))
        {
            return;
        }

        subscription.Status = status switch
        {
            ParsedSubscription.Active => Subscription.SubscriptionStatus.Active,
            ParsedSubscription.Error => Subscription.SubscriptionStatus.Error,
            _ => Subscription.SubscriptionStatus.Off,
        };
        subscription.Error = error;
        try
        {
            await store.UpdateAsync(subscription, Preconditions.ExactlyVersion(current.VersionId), "PUT", cancellationToken);
        }
        catch (VersionMismatchException)
        {
            // The client changed it meanwhile; the next round sees its version.
        }
    }

    /// <summary>The live stored Subscription and its version, or null when it is gone or, with <paramref name="decidedOn"/>, no longer that version (its lastUpdated).</summary>
    private async Task<(StoredVersion Current, Subscription Subscription)?> StoredAsync(string id, Instant? decidedOn, CancellationToken cancellationToken)
    {
        var current = await store.ReadCurrentAsync("Subscription", id, cancellationToken);
        if (current is not { IsDeleted: false, Json: { } json } || serializers.ParseJson(json) is not Subscription subscription)
        {
            return null;
        }

        return decidedOn is { } decided && (subscription.Meta?.LastUpdated is not { } lastUpdated || Instant.FromDateTimeOffset(lastUpdated) != decided)
            ? null
            : (current, subscription);
    }

    private static string Truncate(string text) => text.Length <= 1000 ? text : text[..1000];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription/{Id}: event {EventNumber} not delivered (attempt {Attempts}): {Failure}")]
    private static partial void LogFailed(ILogger logger, string id, long eventNumber, int attempts, string failure);

}
