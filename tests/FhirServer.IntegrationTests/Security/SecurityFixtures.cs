namespace FhirMh.FhirServer.IntegrationTests.Security;

/// <summary>A server on SQLite with security on, trusting the test identity provider (<see cref="TestTokens"/>).</summary>
public sealed class SecuritySqliteFixture : SqliteFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = TestTokens.Settings();
}

/// <summary>A server on PostgreSQL with security on.</summary>
public sealed class SecurityPostgresFixture : PostgresFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = TestTokens.Settings();
}
