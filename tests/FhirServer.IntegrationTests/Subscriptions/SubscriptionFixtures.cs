namespace FhirMh.FhirServer.IntegrationTests.Subscriptions;

/// <summary>
/// Subscriptions across processes: the fixture's server takes the writes with its dispatcher off,
/// and a second server host on the same database (as another process would) dispatches, so a
/// test can stop and restart the dispatcher while writes go on. A loopback listener is the
/// subscriber, and the only endpoint allowed.
/// </summary>
public interface ISubscriptionFixture
{
    NotificationListener Listener { get; }

    HttpClient CreateClient();

    /// <summary>Stops the dispatching server (as a process that goes away).</summary>
    Task StopDispatcherAsync();

    /// <summary>Starts a dispatching server again.</summary>
    void StartDispatcher();
}

internal sealed class SubscriptionServers(StorageFixture storage, NotificationListener listener) : IAsyncDisposable
{
    private FhirServerFactory? _dispatcher;

    public static Dictionary<string, string> Settings(NotificationListener listener, bool isDispatcher) => new()
    {
        ["Subscriptions:AllowedEndpoints:0"] = listener.Origin,
        ["Subscriptions:IsDispatcherEnabled"] = isDispatcher ? "true" : "false",
        ["Subscriptions:PollInterval"] = "00:00:00.050",
        ["Subscriptions:RetryDelay"] = "00:00:00.200",
        ["Subscriptions:MaxAttempts"] = "3",
        ["Subscriptions:LeaseDuration"] = "00:00:05",
    };

    public void StartDispatcher() => _dispatcher ??= storage.StartServer(Settings(listener, isDispatcher: true));

    public async Task StopDispatcherAsync()
    {
        if (_dispatcher is not null)
        {
            await _dispatcher.DisposeAsync();
            _dispatcher = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopDispatcherAsync();
        await listener.DisposeAsync();
    }
}

public sealed class SubscriptionSqliteFixture : SqliteFixture, ISubscriptionFixture
{
    private SubscriptionServers? _servers;

    public NotificationListener Listener { get; } = new();

    protected override IReadOnlyDictionary<string, string> Settings => SubscriptionServers.Settings(Listener, isDispatcher: false);

    public Task StopDispatcherAsync() => _servers!.StopDispatcherAsync();

    public void StartDispatcher() => _servers!.StartDispatcher();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _servers = new SubscriptionServers(this, Listener);
        _servers.StartDispatcher();
    }

    public override async Task DisposeAsync()
    {
        await _servers!.DisposeAsync();
        await base.DisposeAsync();
    }
}

public sealed class SubscriptionPostgresFixture : PostgresFixture, ISubscriptionFixture
{
    private SubscriptionServers? _servers;

    public NotificationListener Listener { get; } = new();

    protected override IReadOnlyDictionary<string, string> Settings => SubscriptionServers.Settings(Listener, isDispatcher: false);

    public Task StopDispatcherAsync() => _servers!.StopDispatcherAsync();

    public void StartDispatcher() => _servers!.StartDispatcher();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _servers = new SubscriptionServers(this, Listener);
        _servers.StartDispatcher();
    }

    public override async Task DisposeAsync()
    {
        await _servers!.DisposeAsync();
        await base.DisposeAsync();
    }
}
