using FhirMh.FhirServer.Storage;
using FhirMh.FhirServer.Storage.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// What the PostgreSQL planner is given: statements tagged to be planned for their values run
/// with plan_cache_mode = force_custom_plan, the setting does not outlive them, and the search
/// key columns carry multivariate statistics (ANALYZE fills them), which the server refreshes
/// once a table has changed enough.
/// </summary>
public sealed class PostgresPlannerTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task TaggedStatement_RunsWithCustomPlans_AndTheNextOneDoesNot_WithoutWarnings()
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FhirDbContext>();
        await db.Database.OpenConnectionAsync();
        var notices = new List<string>();
        ((NpgsqlConnection)db.Database.GetDbConnection()).Notice += (_, e) => notices.Add($"{e.Notice.Severity}: {e.Notice.MessageText}");
        var setting = Setting(db);

        // Several times each, so that auto-prepare has prepared the statements on the connection.
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("force_custom_plan", await setting.PlannedForItsValues().SingleAsync());
            Assert.Equal("auto", await setting.SingleAsync());
        }

        Assert.Empty(notices);
    }

    [Fact]
    public async Task TaggedStatementInATransaction_DoesNotLeaveItsSettingToTheNext()
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FhirDbContext>();
        var setting = Setting(db);

        await using var transaction = await db.Database.BeginTransactionAsync();
        Assert.Equal("force_custom_plan", await setting.PlannedForItsValues().SingleAsync());
        Assert.Equal("auto", await setting.SingleAsync());
        await transaction.CommitAsync();
    }

    [Fact]
    public async Task TaggedStatementThatFails_LeavesNoSettingBehind()
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FhirDbContext>();
        await db.Database.OpenConnectionAsync();
        var failing = db.Database.SqlQueryRaw<int>("SELECT 1 / (SELECT count(*) FROM resources WHERE false)::int AS \"Value\"").PlannedForItsValues();

        await Assert.ThrowsAsync<PostgresException>(() => failing.SingleAsync());

        Assert.Equal("auto", await Setting(db).SingleAsync());
    }

    [Fact]
    public async Task SearchKeyColumns_HaveMultivariateStatistics()
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FhirDbContext>();

        // The planner needs to know that a code all but implies its type, parameter and system.
        var statistics = await db.Database.SqlQueryRaw<string>(
            "SELECT s.stxname || ':' || array_to_string(array(SELECT a.attname FROM unnest(s.stxkeys) AS k JOIN pg_attribute a ON a.attrelid = s.stxrelid AND a.attnum = k ORDER BY a.attnum), ',') AS \"Value\" " +
            "FROM pg_statistic_ext s WHERE s.stxrelid = 'ix_token'::regclass").ToListAsync();

        var token = Assert.Single(statistics);
        Assert.All(["resource_type", "param", "system", "code"], column => Assert.Contains(column, token.Split(':')[1].Split(',')));
    }

    [Fact]
    public async Task TableThatDoubled_IsAnalyzedWithinSeconds_ThenLeftAlone()
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FhirDbContext>();
        var rows = await db.Database.SqlQueryRaw<double>("SELECT GREATEST(reltuples, 0)::float8 AS \"Value\" FROM pg_class WHERE oid = 'resources'::regclass").SingleAsync();
        var added = (long)Math.Max(StatisticsKeeper.MinimumChanges, StatisticsKeeper.ChangedShare * rows) + 500;
        var before = await LastAnalyzeAsync(db);
        try
        {
            // Superseded versions of a type no search asks for: nothing else sees them.
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO resources (resource_type, resource_id, version_id, is_current, is_deleted, method, status, last_updated, json) " +
                "SELECT 'StatisticsKeeperTest', 'k' || n, 1, false, false, 'POST', 201, now(), '{{}}' FROM generate_series(1, {0}) AS n",
                added);

            // The fixture's server looks every 2 s; autovacuum would wait for its minute.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (await LastAnalyzeAsync(db) == before && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }

            Assert.NotEqual(before, await LastAnalyzeAsync(db));
            Assert.DoesNotContain("resources", await StatisticsKeeper.AnalyzeChangedAsync(db, CancellationToken.None));
        }
        finally
        {
            await db.Database.ExecuteSqlRawAsync("DELETE FROM resources WHERE resource_type = 'StatisticsKeeperTest'");
        }
    }

    private static Task<DateTime?> LastAnalyzeAsync(FhirDbContext db) =>
        db.Database.SqlQueryRaw<DateTime?>("SELECT last_analyze AS \"Value\" FROM pg_stat_user_tables WHERE relname = 'resources'").SingleAsync();

    private static IQueryable<string> Setting(FhirDbContext db) =>
        db.Database.SqlQueryRaw<string>("SELECT current_setting('plan_cache_mode') AS \"Value\"");
}
