namespace FhirMh.FhirServer.Subscriptions;

/// <summary>A pending notification with the version it tells of.</summary>
internal sealed record PendingNotification(
    long Id,
    string SubscriptionId,
    long EventNumber,
    int Attempts,
    Instant NextAttemptAt,
    Instant OccurredAt,
    string ResourceType,
    string ResourceId,
    int VersionId,
    string Method,
    int Status,
    string? Json);

/// <summary>The head of one subscription's queue that is due now, in event order.</summary>
internal sealed record DueQueue(ParsedSubscription Subscription, IReadOnlyList<PendingNotification> Notifications);

/// <summary>What became of one attempt: <see cref="Failure"/> is null when the endpoint took it.</summary>
internal readonly record struct DeliveryOutcome(PendingNotification Notification, string? Failure);
