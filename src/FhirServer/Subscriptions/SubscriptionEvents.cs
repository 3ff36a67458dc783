using Hl7.Fhir.Model;
using FhirMh.FhirServer.Search.Indexing;
using FhirMh.FhirServer.Search.Parameters;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace FhirMh.FhirServer.Subscriptions;

/// <summary>
/// Turns outbox events into numbered notifications: each committed version is checked against
/// every live subscription listening to its type, and each match becomes the subscription's next
/// event. The notifications, the counters and the removal of the events commit together, so an
/// event is numbered once even if the process stops half-way.
/// </summary>
internal sealed class SubscriptionEvents(FhirDbContext db, WriteGate writeGate, SubscriptionCatalog catalog, SubscriptionReader reader, FhirSerializers serializers, SearchParameterRegistry parameters, IClock clock)
{
    private const int BatchSize = 500;

    /// <summary>Processes one batch of events; true when the batch was full, so more may be waiting.</summary>
    public async Task<bool> ProcessAsync(CancellationToken cancellationToken)
    {
        var queued = await db.Set<SubscriptionEventRow>().AsNoTracking()
            .OrderBy(e => e.EventId)
            .Take(BatchSize)
            .Select(e => new { e.EventId, e.RowId, e.SubscriptionIds })
            .ToListAsync(cancellationToken);
        if (queued.Count == 0)
        {
            return false;
        }

        // Read again after the events: a Subscription deleted or set off before a change committed
        // is then known to be, and hears nothing of it.
        await catalog.RefreshAsync(db, reader, cancellationToken);

        // The versions are read by their keys in a query of their own: joined to the outbox, whose
        // rows come and go hundreds of times a second, PostgreSQL at times planned a scan of
        // every resource (11 ms a pass instead of 0.2 ms).
        var rowIds = queued.Select(e => e.RowId).ToList();
        var changed = await db.Resources.AsNoTracking()
            .Where(r => rowIds.Contains(r.RowId))
            .Select(r => new { r.RowId, r.ResourceType, r.ResourceId, r.LastUpdated })
            .ToDictionaryAsync(r => r.RowId, cancellationToken);
        // A version removed meanwhile took its event with it (the foreign key cascades).
        var events = queued.Where(e => changed.ContainsKey(e.RowId))
            .Select(e =>
            {
                var version = changed[e.RowId];
                return new { e.EventId, e.RowId, e.SubscriptionIds, version.ResourceType, version.ResourceId, version.LastUpdated };
            })
            .ToList();

        var now = clock.GetCurrentInstant();
        var live = catalog.Subscriptions.Where(s => s.IsLive(now)).ToDictionary(s => s.Id, StringComparer.Ordinal);
        var matches = new List<(string SubscriptionId, long RowId, Instant OccurredAt)>();

        // A version is read and indexed again only when something needs it: an event not matched
        // when it was written, or a subscription with the patient-organization filter.
        var versions = new Dictionary<long, ChangedVersion?>();
        foreach (var change in events)
        {
            // A subscription hears of the changes made while it is active, from its activation on.
            var listening = (change.SubscriptionIds is { } matchedIds
                    ? matchedIds.Split(',').Select(id => live.GetValueOrDefault(id)).OfType<ParsedSubscription>()
                    : live.Values)
                .Where(s => s.Matchers.ContainsKey(change.ResourceType) && change.LastUpdated >= s.LastUpdated)
                .ToList();
            foreach (var subscription in listening)
            {
                var matcher = subscription.Matchers[change.ResourceType];
                if (change.SubscriptionIds is null || matcher.PatientOrganizations.Count > 0)
                {
                    if (!versions.TryGetValue(change.RowId, out var version))
                    {
                        version = versions[change.RowId] = await ReadVersionAsync(change.RowId, change.ResourceType, change.ResourceId, live.Values, cancellationToken);
                    }

                    if (version is null || (change.SubscriptionIds is null && !catalog.Meets(subscription.Id, matcher, version)) || !await IsManagedByAsync(version, matcher.PatientOrganizations, cancellationToken))
                    {
                        continue;
                    }
                }

                matches.Add((subscription.Id, change.RowId, change.LastUpdated));
            }
        }

        var eventIds = events.Select(e => e.EventId).ToList();
        using var turn = await writeGate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // The events leave first: a second dispatcher (one whose lease ran out unnoticed) waits on
        // them and then removes none, and its numbering is rolled back rather than done twice.
        var removed = await db.Set<SubscriptionEventRow>().Where(e => eventIds.Contains(e.EventId)).ExecuteDeleteAsync(cancellationToken);
        if (removed != eventIds.Count)
        {
            return false;
        }

        var ids = matches.Select(m => m.SubscriptionId).Distinct().ToList();
        var states = await db.Set<SubscriptionStateRow>().Where(s => ids.Contains(s.SubscriptionId)).ToDictionaryAsync(s => s.SubscriptionId, cancellationToken);
        foreach (var (subscriptionId, rowId, occurredAt) in matches)
        {
            if (!states.TryGetValue(subscriptionId, out var state))
            {
                continue;
            }

            state.EventCount++;
            db.Add(new SubscriptionNotificationRow
            {
                SubscriptionId = subscriptionId,
                EventNumber = state.EventCount,
                RowId = rowId,
                OccurredAt = occurredAt,
                Status = NotificationStatus.Pending,
                NextAttemptAt = now,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return queued.Count == BatchSize;
    }

    /// <summary>The version as subscriptions see it, with the index values the live subscriptions check; null when it has no content.</summary>
    private async Task<ChangedVersion?> ReadVersionAsync(long rowId, string resourceType, string resourceId, IEnumerable<ParsedSubscription> live, CancellationToken cancellationToken)
    {
        var json = await db.Resources.Where(r => r.RowId == rowId).Select(r => r.Json).FirstOrDefaultAsync(cancellationToken);
        if (json is null)
        {
            return null;
        }

        var needed = live.SelectMany(s => s.Matchers.TryGetValue(resourceType, out var m) ? m.Parameters : Enumerable.Empty<string>()).ToHashSet(StringComparer.Ordinal);
        var resource = serializers.ParseJson(json);
        return new ChangedVersion(resourceType, resourceId, SearchIndexer.Extract(resource, parameters.For(resourceType).Values.Where(d => needed.Contains(d.Code)).ToList()), resource.ToPocoNode(ModelInfo.ModelInspector));
    }

    /// <summary>
    /// The patient-organization filter: the patient the version is about (its patient, subject
    /// or for reference) is managed by one of <paramref name="organizations"/>, as the Patient is now.
    /// </summary>
    private async Task<bool> IsManagedByAsync(ChangedVersion version, IReadOnlyList<string> organizations, CancellationToken cancellationToken)
    {
        if (organizations.Count == 0)
        {
            return true;
        }

        var patients = version.Index.OfType<ReferenceIndexRow>()
            .Where(r => r.TargetType == "Patient" && r.TargetId is not null && ChangeMatcher.PatientParameters.Contains(r.Param))
            .Select(r => r.TargetId!)
            .Distinct()
            .ToList();
        var organizationIds = organizations.Where(o => o.StartsWith("Organization/", StringComparison.Ordinal)).Select(o => o["Organization/".Length..]).ToList();
        if (patients.Count == 0 || organizationIds.Count == 0)
        {
            return false;
        }

        return await db.Resources
            .Where(r => r.ResourceType == "Patient" && r.IsCurrent && patients.Contains(r.ResourceId))
            .Join(db.ReferenceIndex, r => r.RowId, x => x.RowId, (r, x) => x)
            .AnyAsync(x => x.Param == "organization" && x.TargetType == "Organization" && organizationIds.Contains(x.TargetId!), cancellationToken);
    }
}
