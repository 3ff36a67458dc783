using System.Text.RegularExpressions;
using Npgsql;

namespace FhirMh.FhirServer.Storage.Postgres;

/// <summary>
/// The operator's connection string with automatic preparation switched on unless it says
/// otherwise. EF Core sends its queries unprepared, so PostgreSQL plans each one again on every
/// execution; for the small, frequent queries of reads and access checks (consent, scopes),
/// planning costs many times the execution. Npgsql prepares a statement on a connection once it
/// has run <see cref="MinUsages"/> times there and keeps the most used <see cref="MaxStatements"/>.
/// PostgreSQL may then give such a statement a generic plan; statements whose plan depends on
/// their values are planned for them on every execution instead (<see cref="PlanCacheModeInterceptor"/>).
/// </summary>
internal static partial class PostgresConnectionString
{
    private const int MaxStatements = 256;

    private const int MinUsages = 2;

    private static readonly (string Name, string Value)[] SessionDefaults = [("jit", "off"), ("max_parallel_workers_per_gather", "0")];

    public static string WithAutoPrepare(string connectionString)
    {
        if (AutoPrepareKeyword().IsMatch(connectionString))
        {
            return connectionString;
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = MaxStatements };
        if (!MinUsagesKeyword().IsMatch(connectionString))
        {
            builder.AutoPrepareMinUsages = MinUsages;
        }

        return builder.ConnectionString;
    }

    /// <summary>
    /// Pooled connections handed out again without resetting their session. EF Core opens and
    /// closes the connection around each query outside a transaction, and Npgsql's reset (RESET
    /// ALL, CLOSE ALL, UNLISTEN, advisory unlock, DISCARD SEQUENCES and TEMP) then runs before the
    /// next query: on a read by id, more server time than the read itself. This server leaves no
    /// session state behind: settings are made and reset within one command
    /// (<see cref="PlanCacheModeInterceptor"/>), locks are transaction-scoped or released in a
    /// finally block, and there are no temporary tables or LISTENs. The operator's setting stands.
    /// </summary>
    public static string WithoutResetOnClose(string connectionString) =>
        NoResetKeyword().IsMatch(connectionString)
            ? connectionString
            : new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString;

    /// <summary>
    /// Sessions without JIT compilation and without parallel workers (<c>-c jit=off -c
    /// max_parallel_workers_per_gather=0</c> added to <c>Options</c>), each unless the operator's
    /// options set it. Both pay off on long scans; this server's statements follow indexes and
    /// stop at a page, yet the planner charges a walk in index order (a sorted page read from the
    /// date index, DateSortPage) as if it ran to the end: about 800,000 cost units at 110,000
    /// Observations, past <c>jit_above_cost</c>. Compiling then took 26 ms for a statement that ran
    /// in 1.2 ms, and at a million Observations starting the workers of a <c>_has</c> page took
    /// 16 ms of its 18.
    /// </summary>
    public static string WithoutJitOrParallelWorkers(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var options = builder.Options ?? string.Empty;
        foreach (var (name, value) in SessionDefaults)
        {
            if (!options.Contains(name, StringComparison.OrdinalIgnoreCase))
            {
                options = $"{options} -c {name}={value}".Trim();
            }
        }

        builder.Options = options;
        return builder.ConnectionString;
    }

    /// <summary><c>Max Auto Prepare</c> in any of the spellings Npgsql accepts: the operator's choice stands, 0 included.</summary>
    [GeneratedRegex(@"max\s*auto\s*prepare\s*=", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AutoPrepareKeyword();

    [GeneratedRegex(@"auto\s*prepare\s*min\s*usages\s*=", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MinUsagesKeyword();

    [GeneratedRegex(@"no\s*reset\s*on\s*close\s*=", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NoResetKeyword();

}
