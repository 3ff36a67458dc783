namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>A running server on one storage provider, shared by the tests of one class.</summary>
public abstract class StorageFixture : IAsyncLifetime
{
    private readonly List<FhirServerFactory> _secondServers = [];
    private FhirServerFactory? _factory;
    private string? _connectionString;

    public abstract string Provider { get; }

    public HttpClient CreateClient() => Factory.CreateClient();

    /// <summary>
    /// A client of a second server host on the same database: the two share nothing but the
    /// database, as two server processes would (for races between servers).
    /// </summary>
    public HttpClient CreateSecondServerClient()
    {
        var second = new FhirServerFactory(Provider, _connectionString!);
        _secondServers.Add(second);
        return second.CreateClient();
    }

    internal FhirServerFactory Factory => _factory ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>Settings of the fixture's own server, on top of appsettings.json.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    /// <summary>
    /// Another server host on the same database with settings of its own, which the caller
    /// stops by disposing it (as a server process that goes away).
    /// </summary>
    internal FhirServerFactory StartServer(IReadOnlyDictionary<string, string> settings)
    {
        var server = new FhirServerFactory(Provider, _connectionString!, settings);
        _ = server.Server;
        return server;
    }

    public virtual async Task InitializeAsync()
    {
        _connectionString = await CreateDatabaseAsync();
        _factory = new FhirServerFactory(Provider, _connectionString, Settings);
        _ = _factory.Server; // starts the host, and with it the migrations
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var server in _secondServers)
        {
            await server.DisposeAsync();
        }

        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }

    /// <summary>Makes a new, empty database and returns its connection string.</summary>
    protected abstract Task<string> CreateDatabaseAsync();
}
