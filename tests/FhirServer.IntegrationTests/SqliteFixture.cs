using Microsoft.Data.Sqlite;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>A server on a new SQLite file in a temporary folder.</summary>
public sealed class SqliteFixture : StorageFixture
{
    private readonly List<FhirServerFactory> _extraServers = [];
    private string? _connectionString;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "fhirmh-sqlite-" + Guid.NewGuid().ToString("N")[..12]);

    public override string Provider => "Sqlite";

    public override Task<HttpClient> CreateSecondServerClientAsync()
    {
        // Another host on the same database file: the two share nothing but SQLite's file locks.
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
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    internal override Task<FhirServerFactory> CreateFactoryAsync(IReadOnlyDictionary<string, string>? settings)
    {
        Directory.CreateDirectory(_folder);
        var file = Path.Combine(_folder, Guid.NewGuid().ToString("N")[..8] + ".db");
        _connectionString = $"Data Source={file}";
        return Task.FromResult(new FhirServerFactory(Provider, _connectionString, settings));
    }
}
