namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>A server on SQLite with the client registry on, as it is by default outside the tests.</summary>
public sealed class RegistrySqliteFixture : SqliteFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["ClientRegistry:Enabled"] = "true" };
}

/// <summary>A server on PostgreSQL with the client registry on.</summary>
public sealed class RegistryPostgresFixture : PostgresFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["ClientRegistry:Enabled"] = "true" };
}


/// <summary>A server on SQLite with the provider registry's curation rules on, as by default outside the tests.</summary>
public sealed class DirectorySqliteFixture : SqliteFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["ProviderRegistry:Enabled"] = "true" };
}

/// <summary>A server on PostgreSQL with the provider registry's curation rules on.</summary>
public sealed class DirectoryPostgresFixture : PostgresFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["ProviderRegistry:Enabled"] = "true" };
}
