using FhirMh.FhirServer.Search.Indexing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Storage.Postgres;

/// <summary>
/// Keeps the planner's statistics of the resource and index tables in step with their growth.
/// Search plans rest on them: with the statistics of a table that has since grown from a few
/// rows to tens of thousands, PostgreSQL planned a reverse chain (<c>_has</c>) that found no
/// answer within 30 s, and 0.6 ms once the table was analyzed. Autovacuum analyzes once a tenth
/// of a table has changed, but looks only once a minute (autovacuum_naptime), so after a bulk
/// load searches ran for up to a minute on the old statistics. This looks every
/// <see cref="StorageOptions.StatisticsInterval"/> for the tables that have doubled (or changed
/// as many rows as they had) since their last analyze: the changes that turn plans upside down.
/// Analyzing at every tenth as well would cost a load dearly (ANALYZE of a 120,000-row token
/// table took 0.6 s, thirteen times during one load) for drift autovacuum handles anyway.
/// </summary>
internal sealed partial class StatisticsKeeper(IServiceScopeFactory scopes, IOptions<StorageOptions> options, ILogger<StatisticsKeeper> logger) : BackgroundService
{
    /// <summary>Changes a table needs before it is analyzed again, whatever its size (autovacuum_analyze_threshold is 50).</summary>
    public const long MinimumChanges = 1_000;

    /// <summary>Changes since the last analyze, as a share of the rows the table had then: 1, as many as it had.</summary>
    public const double ChangedShare = 1.0;

    private static readonly string[] Tables = ["resources", .. SearchIndexModel.Tables];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.StatisticsInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await AnalyzeChangedAsync(scope.ServiceProvider.GetRequiredService<FhirDbContext>(), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A busy or restarting database: the next tick looks again.
                LogFailed(logger, e);
            }
        }
    }

    /// <summary>Analyzes each table changed enough since its last analyze (by anyone, autovacuum included); returns their names.</summary>
    public static async Task<List<string>> AnalyzeChangedAsync(FhirDbContext db, CancellationToken cancellationToken)
    {
        // reltuples is -1 for a table never analyzed; its changes are then all its rows.
        var changed = await db.Database.SqlQuery<string>($"""
            SELECT s.relname AS "Value"
            FROM pg_stat_user_tables AS s
            JOIN pg_class AS c ON c.oid = s.relid
            WHERE s.schemaname = current_schema() AND s.relname = ANY({Tables})
              AND s.n_mod_since_analyze >= {MinimumChanges}
              AND s.n_mod_since_analyze >= {ChangedShare} * GREATEST(c.reltuples, 0)
            ORDER BY s.relname
            """).ToListAsync(cancellationToken);
        foreach (var table in changed)
        {
            // The names come from the fixed list above, not from the request or the database.
#pragma warning disable EF1002
            await db.Database.ExecuteSqlRawAsync($"ANALYZE {table}", cancellationToken);
#pragma warning restore EF1002
        }

        return changed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the planner's statistics failed; the next look tries again.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
