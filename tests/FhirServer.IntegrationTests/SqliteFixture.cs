using Microsoft.Data.Sqlite;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>A server on a new SQLite file in a temporary folder.</summary>
public class SqliteFixture : StorageFixture
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "fhirmh-sqlite-" + Guid.NewGuid().ToString("N")[..12]);

    public override string Provider => "Sqlite";

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    protected override Task<string> CreateDatabaseAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.FromResult($"Data Source={Path.Combine(_folder, "fhirmh.db")}");
    }
}
