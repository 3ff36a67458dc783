namespace FhirMh.FhirServer.Subscriptions;

/// <summary>
/// Names from the Subscriptions R5 Backport IG for R4
/// (http://hl7.org/fhir/uv/subscriptions-backport, STU 1.1): the extensions a topic-based R4
/// Subscription carries and the values of the SubscriptionStatus Parameters.
/// </summary>
internal static class Backport
{
    private const string Base = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/";

    public const string FilterCriteria = Base + "backport-filter-criteria";

    public const string PayloadContent = Base + "backport-payload-content";

    public const string HeartbeatPeriod = Base + "backport-heartbeat-period";

    public const string Timeout = Base + "backport-timeout";

    public const string MaxCount = Base + "backport-max-count";

    public const string SubscriptionProfile = Base + "backport-subscription";

    public const string StatusProfile = Base + "backport-subscription-status-r4";

    public const string NotificationProfile = Base + "backport-subscription-notification-r4";

    /// <summary>CapabilityStatement extension naming a topic the server supports.</summary>
    public const string TopicCanonical = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/capabilitystatement-subscriptiontopic-canonical";
}

/// <summary>How much of the focus resource a notification carries (backport-payload-content).</summary>
internal enum PayloadContent
{
    Empty,
    IdOnly,
    FullResource,
}

/// <summary>The kinds of SubscriptionStatus (backport-notification-type).</summary>
internal static class NotificationType
{
    public const string Handshake = "handshake";

    public const string Heartbeat = "heartbeat";

    public const string EventNotification = "event-notification";

    public const string QueryStatus = "query-status";

    public const string QueryEvent = "query-event";
}
