using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// On PostgreSQL, statements tagged to be planned for their values run with
/// plan_cache_mode = force_custom_plan, and the setting does not outlive them.
/// </summary>
public sealed class PostgresPlanCacheTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task TaggedStatement_RunsWithCustomPlans_AndTheNextOneDoesNot()
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FhirDbContext>();
        var setting = db.Database.SqlQueryRaw<string>("SELECT current_setting('plan_cache_mode') AS \"Value\"");

        // Several times each, so that auto-prepare has prepared both statements on the connection.
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("force_custom_plan", await setting.PlannedForItsValues().SingleAsync());
            Assert.Equal("auto", await setting.SingleAsync());
        }
    }

    [Fact]
    public async Task TaggedStatementInATransaction_KeepsCustomPlansUntilItEnds()
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FhirDbContext>();
        var setting = db.Database.SqlQueryRaw<string>("SELECT current_setting('plan_cache_mode') AS \"Value\"");

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            Assert.Equal("force_custom_plan", await setting.PlannedForItsValues().SingleAsync());
            Assert.Equal("force_custom_plan", await setting.SingleAsync());
            await transaction.CommitAsync();
        }

        Assert.Equal("auto", await setting.SingleAsync());
    }
}
