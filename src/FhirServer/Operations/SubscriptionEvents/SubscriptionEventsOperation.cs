using System.Globalization;
using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Operations.SubscriptionStatus;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using FhirMh.FhirServer.Subscriptions;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace FhirMh.FhirServer.Operations.SubscriptionEvents;

/// <summary>
/// <c>GET [base]/Subscription/[id]/$events</c> (backport IG, OperationDefinition
/// backport-subscription-events): the events still retained, from <c>eventsSinceNumber</c> to
/// <c>eventsUntilNumber</c> (both inclusive), as a query-event notification Bundle, with the
/// <c>content</c> asked for. How a subscriber that missed notifications catches up, and the
/// polling fallback for one that cannot take callbacks.
/// </summary>
internal sealed class SubscriptionEventsOperation(FhirDbContext db, SubscriptionReader reader, FhirSerializers serializers, IClock clock) : IFhirOperation
{
    public const string Name = "events";

    /// <summary>The most events one answer carries; ask again from the next number for more.</summary>
    private const int MaxEvents = 100;

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var id = request.Id!;
        var (subscription, state) = await SubscriptionStates.ReadAsync(db, reader, serializers, id, request.BaseUrl, cancellationToken);
        if (subscription is null)
        {
            throw FhirException.NotFound($"Subscription/{id} does not exist.");
        }

        var since = Number(request, "eventsSinceNumber") ?? 1;
        var until = Number(request, "eventsUntilNumber") ?? long.MaxValue;
        var content = request.Parameter("content") switch
        {
            null => subscription.Content,
            "empty" => PayloadContent.Empty,
            "id-only" => PayloadContent.IdOnly,
            "full-resource" => PayloadContent.FullResource,
            var other => throw FhirException.BadRequest($"content must be empty, id-only or full-resource, not '{other}'.", "content"),
        };

        var rows = await db.Set<SubscriptionNotificationRow>().AsNoTracking()
            .Where(n => n.SubscriptionId == id && n.EventNumber >= since && n.EventNumber <= until)
            .OrderBy(n => n.EventNumber)
            .Take(MaxEvents)
            .Join(db.Resources, n => n.RowId, r => r.RowId, (n, r) => new { n.EventNumber, n.OccurredAt, r.ResourceType, r.ResourceId, r.VersionId, r.Method, r.Status, r.Json })
            .ToListAsync(cancellationToken);
        var events = rows.Select(r => new NotificationEvent(
            r.EventNumber, r.OccurredAt, r.ResourceType, r.ResourceId, r.VersionId, r.Method, r.Status, r.Json)).ToList();
        var bundle = NotificationBundles.Build(subscription, subscription.BaseUrl, NotificationType.QueryEvent, state?.EventCount ?? 0, events, content, clock.GetCurrentInstant());
        return FhirResponse.Of(StatusCodes.Status200OK, NotificationBundles.WithResources(serializers, bundle, events, content));
    }

    private static long? Number(FhirRequest request, string name)
    {
        var text = request.Parameter(name);
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw FhirException.BadRequest($"{name} must be a whole number, not '{text}'.", name);
    }
}
