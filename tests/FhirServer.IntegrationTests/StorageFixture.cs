namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>A running server on one storage provider, shared by the tests of one class.</summary>
public abstract class StorageFixture : IAsyncLifetime
{
    private FhirServerFactory? _factory;

    public abstract string Provider { get; }

    public HttpClient CreateClient() => Factory.CreateClient();

    /// <summary>A client of a second server host on the same database (for races between servers).</summary>
    public abstract Task<HttpClient> CreateSecondServerClientAsync();

    internal FhirServerFactory Factory => _factory ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync()
    {
        _factory = await CreateFactoryAsync(settings: null);
        _ = _factory.Server; // starts the host, and with it the migrations
    }

    public virtual async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }

    internal abstract Task<FhirServerFactory> CreateFactoryAsync(IReadOnlyDictionary<string, string>? settings);
}
