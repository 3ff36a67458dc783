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

    public async Task InitializeAsync()
    {
        _connectionString = await CreateDatabaseAsync();
        _factory = new FhirServerFactory(Provider, _connectionString);
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
