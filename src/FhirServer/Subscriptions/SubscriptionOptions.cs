namespace FhirMh.FhirServer.Subscriptions;

/// <summary>The <c>Subscriptions</c> configuration section: where notifications may go and how they are delivered.</summary>
internal sealed class SubscriptionOptions
{
    public const string SectionName = "Subscriptions";

    /// <summary>
    /// The endpoints notifications may be sent to: an origin (<c>https://hooks.example.org</c>,
    /// <c>http://127.0.0.1:8080</c>) or a host name (<c>hooks.example.org</c>, any port, https only).
    /// Empty refuses every rest-hook Subscription: a notification can carry patient data, and the
    /// server must not be made to call arbitrary URLs (server-side request forgery).
    /// </summary>
    public List<string> AllowedEndpoints { get; set; } = [];

    /// <summary>False keeps this process from delivering (others sharing the database still do); events are still recorded.</summary>
    public bool IsDispatcherEnabled { get; set; } = true;

    /// <summary>How often the dispatcher looks for new events and due notifications when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long one delivery attempt may take when the Subscription names no timeout.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts per notification before the Subscription is set to <c>error</c>.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The wait after the first failed attempt; it doubles with each further failure.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long delivered notifications stay available to <c>$events</c>.</summary>
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long the dispatcher lease lasts without renewal: after a crash another process takes
    /// over within it. A round of deliveries stops sending after a quarter of it.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a requested Subscription waits before its handshake or activation: time for every
    /// process sharing the database to read it and start recording the changes it listens to.
    /// </summary>
    public TimeSpan ActivationDelay { get; set; } = TimeSpan.FromSeconds(1);
}
