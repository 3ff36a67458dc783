using NodaTime;

namespace FhirMh.FhirServer.Subscriptions;

/// <summary>
/// A Subscription as the dispatcher uses it: what it listens to (a topic with filters, or R4
/// search criteria), per resource type the <see cref="ChangeMatcher"/> a change must meet, and
/// where and how notifications go, with the FHIR base URL it was written through (notifications name
/// resources under it).
/// </summary>
internal sealed record ParsedSubscription(
    string Id,
    string Status,
    string Criteria,
    SubscriptionTopic? Topic,
    IReadOnlyDictionary<string, ChangeMatcher> Matchers,
    Uri Endpoint,
    string? PayloadMimeType,
    PayloadContent Content,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    Duration? HeartbeatPeriod,
    Duration? Timeout,
    int? MaxCount,
    Instant? End,
    Instant LastUpdated,
    string BaseUrl)
{
    public const string Requested = "requested";

    public const string Active = "active";

    public const string Error = "error";

    public const string Off = "off";

    /// <summary>True for a topic-based (backport) subscription; false for R4 search criteria.</summary>
    public bool IsTopicBased => Topic is not null;

    public bool IsLive(Instant now) => Status == Active && (End is null || End > now);
}
