using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Storage;

/// <summary>
/// Marks queries by how PostgreSQL should plan them (<see cref="Postgres.PlanCacheModeInterceptor"/>);
/// on SQLite a tag is only a comment. Auto-prepared statements left unmarked get PostgreSQL's own
/// choice: custom plans for their first five executions, then a generic plan if it looks no dearer.
/// </summary>
internal static class QueryPlans
{
    /// <summary>The EF Core query tag, emitted as the comment <c>-- plan: custom</c> before the statement.</summary>
    public const string CustomPlanTag = "plan: custom";

    /// <summary>The EF Core query tag, emitted as the comment <c>-- plan: generic</c> before the statement.</summary>
    public const string GenericPlanTag = "plan: generic";

    /// <summary>
    /// For queries whose best plan depends on their values (searches, history windows): PostgreSQL
    /// plans each execution for its own values, while the small fixed queries of reads and writes
    /// keep the generic plans their prepared statements earn.
    /// </summary>
    public static IQueryable<T> PlannedForItsValues<T>(this IQueryable<T> query) => query.TagWith(CustomPlanTag);

    /// <summary>
    /// For queries whose shape leaves one good plan whatever the values, such as a walk of an index
    /// that holds the page order for any value: planned once per prepared statement. Left to its
    /// own choice, PostgreSQL compares the generic plan with custom ones costed for rare values,
    /// finds it dearer and plans every execution anew, which cost more than running it.
    /// </summary>
    public static IQueryable<T> PlannedOnceForAnyValues<T>(this IQueryable<T> query) => query.TagWith(GenericPlanTag);

    /// <summary>
    /// Without EF Core's warning for an OFFSET without an ORDER BY: criteria checked one by one
    /// end their EXISTS sub-queries with <c>OFFSET 0</c> so that PostgreSQL keeps them apart from
    /// the join (Search.Sql.SearchQueryBuilder.CheckedOneByOne), and whether a row exists does not
    /// depend on any order. The warning was logged for every such query.
    /// </summary>
    public static DbContextOptionsBuilder AllowFences(DbContextOptionsBuilder options) =>
        options.ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.RowLimitingOperationWithoutOrderByWarning));
}
