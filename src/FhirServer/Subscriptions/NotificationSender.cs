using FhirMh.FhirServer.Serialization;
using NodaTime;

namespace FhirMh.FhirServer.Subscriptions;

/// <summary>
/// Sends one subscription's due notifications, strictly in event order: the first failure stops
/// the queue, so a later event never overtakes one the endpoint has not taken yet.
/// </summary>
internal sealed class NotificationSender(SubscriptionDelivery delivery, FhirSerializers serializers, IClock clock)
{
    /// <summary>
    /// Sends until the queue is empty, an attempt fails or <paramref name="deadline"/> passes,
    /// adding each attempt to <paramref name="outcomes"/> as it ends, so that what was sent is
    /// known even if this stops half-way.
    /// </summary>
    public async Task SendAsync(DueQueue queue, Instant deadline, List<DeliveryOutcome> outcomes, CancellationToken cancellationToken)
    {
        foreach (var notification in queue.Notifications)
        {
            if (clock.GetCurrentInstant() > deadline || cancellationToken.IsCancellationRequested)
            {
                break;
            }

            string? failure;
            try
            {
                failure = await delivery.PostAsync(queue.Subscription, Body(queue.Subscription, notification), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Shutting down: what was sent so far is still recorded, so it is not sent twice.
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A notification that cannot be built counts as a failed attempt: retried, then the
                // subscription goes to error, rather than the queue being sent again from its head.
                failure = $"The notification could not be built: {e.Message}";
            }

            outcomes.Add(new DeliveryOutcome(notification, failure));
            if (failure is not null)
            {
                break;
            }
        }
    }

    private string? Body(ParsedSubscription subscription, PendingNotification notification)
    {
        if (!subscription.IsTopicBased && subscription.PayloadMimeType is null)
        {
            // R4 without a payload type: a POST with no body (subscription.html#2.46.7.1).
            return null;
        }

        NotificationEvent[] changes = [new(notification.EventNumber, notification.OccurredAt, notification.ResourceType, notification.ResourceId, notification.VersionId, notification.Method, notification.Status, notification.Json)];
        var bundle = NotificationBundles.Build(subscription, subscription.BaseUrl, NotificationType.EventNotification, notification.EventNumber, changes, subscription.Content, clock.GetCurrentInstant());
        return NotificationBundles.Serialize(serializers, bundle, changes, subscription.Content);
    }
}
