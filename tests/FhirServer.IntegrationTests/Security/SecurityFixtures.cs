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

/// <summary>A server on SQLite with security on, a short break-the-glass window and a walk budget of 40, for the consent tests.</summary>
public sealed class ConsentSqliteFixture : SqliteFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = TestTokens.Settings(ConsentSettings.Permit);
}

/// <summary>A server on PostgreSQL with security on, a short break-the-glass window and a walk budget of 40.</summary>
public sealed class ConsentPostgresFixture : PostgresFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = TestTokens.Settings(ConsentSettings.Permit);
}

/// <summary>A server on SQLite whose default policy denies patients without a consent.</summary>
public sealed class DenyByDefaultSqliteFixture : SqliteFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = TestTokens.Settings(ConsentSettings.Deny);
}

/// <summary>A server on PostgreSQL whose default policy denies patients without a consent.</summary>
public sealed class DenyByDefaultPostgresFixture : PostgresFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = TestTokens.Settings(ConsentSettings.Deny);
}

internal static class ConsentSettings
{
    /// <summary>
    /// A walk budget above the first window (32 candidates), so that a search whose first window
    /// the consent mostly hides walks on before the planner takes over (<c>Search:RowIdWalkBudget</c>).
    /// </summary>
    public static readonly Dictionary<string, string> Permit = new() { ["Consent:BreakTheGlassDuration"] = "00:00:03", ["Search:RowIdWalkBudget"] = "40" };

    public static readonly Dictionary<string, string> Deny = new() { ["Consent:DefaultPolicy"] = "Deny" };
}
