namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>A server on a new database of the shared test PostgreSQL.</summary>
public class PostgresFixture : StorageFixture
{
    public override string Provider => "Postgres";

    protected override async Task<string> CreateDatabaseAsync()
    {
        var postgres = await SharedPostgres.GetAsync();
        var database = "fhirmh_" + Guid.NewGuid().ToString("N")[..12];
        await postgres.CreateDatabaseAsync(database, CancellationToken.None);
        return postgres.ConnectionString(database);
    }
}
