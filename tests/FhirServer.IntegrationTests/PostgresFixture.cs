namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>A server on a new database of the shared test PostgreSQL.</summary>
public sealed class PostgresFixture : StorageFixture
{
    private readonly List<FhirServerFactory> _extraServers = [];
    private string? _connectionString;

    public override string Provider => "Postgres";

    public override Task<HttpClient> CreateSecondServerClientAsync()
    {
        // Another host on the same database: shares nothing with the first but PostgreSQL.
        var second = new FhirServerFactory(Provider, _connectionString!);
        _extraServers.Add(second);
        return Task.FromResult(second.CreateClient());
    }

    public override async Task DisposeAsync()
    {
        foreach (var server in _extraServers)
        {
            await server.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    internal override async Task<FhirServerFactory> CreateFactoryAsync(IReadOnlyDictionary<string, string>? settings)
    {
        var postgres = await SharedPostgres.GetAsync();
        var database = "fhirmh_" + Guid.NewGuid().ToString("N")[..12];
        await postgres.CreateDatabaseAsync(database, CancellationToken.None);
        _connectionString = postgres.ConnectionString(database);
        return new FhirServerFactory(Provider, _connectionString, settings);
    }
}
