namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>A server on SQLite whose history horizons stay an hour behind its clock.</summary>
public sealed class HorizonLagSqliteFixture : SqliteFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["History:HorizonLag"] = "01:00:00" };
}

/// <summary>A server on PostgreSQL whose history horizons stay an hour behind its clock.</summary>
public sealed class HorizonLagPostgresFixture : PostgresFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["History:HorizonLag"] = "01:00:00" };
}
