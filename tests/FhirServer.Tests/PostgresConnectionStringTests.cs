using FhirMh.FhirServer.Storage.Postgres;
using Npgsql;

namespace FhirMh.FhirServer.Tests;

public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void WithAutoPrepare_ConnectionStringWithoutIt_PreparesStatementsUsedTwice()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.WithAutoPrepare("Host=db;Database=fhirmh;Username=fhir;Password=secret"));

        Assert.Equal(256, builder.MaxAutoPrepare);
        Assert.Equal(2, builder.AutoPrepareMinUsages);
        Assert.Equal("db", builder.Host);
        Assert.Equal("fhirmh", builder.Database);
        Assert.Equal("secret", builder.Password);
        Assert.Null(builder.Options);
    }

    [Fact]
    public void WithAutoPrepare_OperatorOptions_StandAsTheyAre()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.WithAutoPrepare("Host=db;Options=-c statement_timeout=5000"));

        Assert.Equal("-c statement_timeout=5000", builder.Options);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;MaxAutoPrepare=10", 10)]
    [InlineData("Host=db;max auto prepare = 5", 5)]
    public void WithAutoPrepare_OperatorSetsIt_TheirValueStands(string connectionString, int expected)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.WithAutoPrepare(connectionString));

        Assert.Equal(expected, builder.MaxAutoPrepare);
    }

    [Fact]
    public void WithAutoPrepare_OperatorSetsOnlyTheMinimumUsages_TheirMinimumStands()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.WithAutoPrepare("Host=db;Auto Prepare Min Usages=5"));

        Assert.Equal(256, builder.MaxAutoPrepare);
        Assert.Equal(5, builder.AutoPrepareMinUsages);
    }

    [Fact]
    public void WithoutResetOnClose_ConnectionStringWithoutIt_HandsConnectionsOutWithoutReset()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.WithoutResetOnClose("Host=db;Database=fhirmh"));

        Assert.True(builder.NoResetOnClose);
        Assert.Equal("fhirmh", builder.Database);
    }

    [Theory]
    [InlineData("Host=db;No Reset On Close=false")]
    [InlineData("Host=db;NoResetOnClose=false")]
    public void WithoutResetOnClose_OperatorSetsIt_TheirValueStands(string connectionString)
    {
        Assert.False(new NpgsqlConnectionStringBuilder(PostgresConnectionString.WithoutResetOnClose(connectionString)).NoResetOnClose);
    }

    [Fact]
    public void WithoutJitOrParallelWorkers_ConnectionStringWithoutOptions_StartsSessionsWithBothOff()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.WithoutJitOrParallelWorkers("Host=db;Database=fhirmh"));

        Assert.Equal("-c jit=off -c max_parallel_workers_per_gather=0", builder.Options);
        Assert.Equal("fhirmh", builder.Database);
    }

    [Fact]
    public void WithoutJitOrParallelWorkers_OperatorSetsOneOfThem_TheirValueStandsAndTheOtherIsAdded()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.WithoutJitOrParallelWorkers("Host=db;Options=-c jit=on -c plan_cache_mode=auto"));

        Assert.Equal("-c jit=on -c plan_cache_mode=auto -c max_parallel_workers_per_gather=0", builder.Options);
    }
}
