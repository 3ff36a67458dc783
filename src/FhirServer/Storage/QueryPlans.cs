using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Storage;

/// <summary>
/// Marks queries whose best plan depends on their values (searches, history windows), so that
/// PostgreSQL plans each execution of them for its own values while the small fixed queries of
/// reads and writes keep the generic plans their prepared statements earn
/// (<see cref="Postgres.CustomPlanInterceptor"/>). On SQLite the tag is only a comment.
/// </summary>
internal static class QueryPlans
{
    /// <summary>The EF Core query tag, emitted as the comment <c>-- plan: custom</c> before the statement.</summary>
    public const string CustomPlanTag = "plan: custom";

    public static IQueryable<T> PlannedForItsValues<T>(this IQueryable<T> query) => query.TagWith(CustomPlanTag);

    /// <summary>
    /// Without EF Core's warning for an OFFSET without an ORDER BY: criteria checked one by one
    /// end their EXISTS sub-queries with <c>OFFSET 0</c> so that PostgreSQL keeps them apart from
    /// the join (Search.Sql.SearchQueryBuilder.CheckedOneByOne), and whether a row exists does not
    /// depend on any order. The warning was logged for every such query.
    /// </summary>
    public static DbContextOptionsBuilder AllowFences(DbContextOptionsBuilder options) =>
        options.ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.RowLimitingOperationWithoutOrderByWarning));
}
