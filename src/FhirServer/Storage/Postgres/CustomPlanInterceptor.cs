using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FhirMh.FhirServer.Storage.Postgres;

/// <summary>
/// Plans tagged statements (<see cref="QueryPlans.CustomPlanTag"/>) for their own values on every
/// execution. Auto-prepared statements otherwise may get one generic plan after five executions,
/// chosen without their values; for a search whose selectivity depends on them (a code, a date
/// range) that plan can be many times slower, while for a lookup by key it saves the planning that
/// costs more than the execution. The setting is made just before the statement and reset just
/// after it, in the same command. <c>SET LOCAL</c> would need a transaction block: in the implicit
/// transaction of a lone command PostgreSQL applies it but warns on every execution. If the
/// statement fails, its transaction rolls back and the setting with it.
/// </summary>
internal sealed class CustomPlanInterceptor : DbCommandInterceptor
{
    private const string TagLine = "-- " + QueryPlans.CustomPlanTag;

    private const string Setting = "SET plan_cache_mode = force_custom_plan;\n";

    private const string Reset = ";\nRESET plan_cache_mode";

    public static CustomPlanInterceptor Instance { get; } = new();

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Apply(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Apply(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Apply(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Apply(command);
        return ValueTask.FromResult(result);
    }

    /// <summary>The command text as sent: the statement between the setting and its reset when it carries the tag.</summary>
    internal static string Rewrite(string commandText) =>
        commandText.StartsWith("-- ", StringComparison.Ordinal) && HasTag(commandText)
            ? string.Concat(Setting, commandText.AsSpan().TrimEnd().TrimEnd(';'), Reset)
            : commandText;

    /// <summary>The tag among the comment lines EF Core puts before the statement.</summary>
    private static bool HasTag(string commandText)
    {
        foreach (var line in commandText.AsSpan().EnumerateLines())
        {
            if (!line.StartsWith("-- ", StringComparison.Ordinal))
            {
                return false;
            }

            if (line.TrimEnd().SequenceEqual(TagLine))
            {
                return true;
            }
        }

        return false;
    }

    private static void Apply(DbCommand command)
    {
        var text = command.CommandText;
        var rewritten = Rewrite(text);
        if (!ReferenceEquals(rewritten, text))
        {
            command.CommandText = rewritten;
        }
    }
}
