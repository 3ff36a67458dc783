using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FhirMh.FhirServer.Storage.Postgres;

/// <summary>
/// Sets <c>plan_cache_mode</c> for statements tagged with <see cref="QueryPlans.CustomPlanTag"/>
/// (planned for their own values at every execution) or <see cref="QueryPlans.GenericPlanTag"/>
/// (one generic plan per prepared statement). Auto-prepared statements otherwise get a generic
/// plan after five executions only when PostgreSQL judges it no dearer than the custom ones: for a
/// search whose selectivity depends on its values (a code, a date range) that plan can be many
/// times slower, while for a statement with one good plan, planning it anew costs more than
/// running it. The setting is made just before the statement and reset just after it, in the same
/// command. <c>SET LOCAL</c> would need a transaction block: in the implicit transaction of a lone
/// command PostgreSQL applies it but warns on every execution. If the statement fails, its
/// transaction rolls back and the setting with it.
/// </summary>
internal sealed class PlanCacheModeInterceptor : DbCommandInterceptor
{
    private static readonly (string TagLine, string Setting)[] Modes =
    [
        ("-- " + QueryPlans.CustomPlanTag, "SET plan_cache_mode = force_custom_plan;\n"),
        ("-- " + QueryPlans.GenericPlanTag, "SET plan_cache_mode = force_generic_plan;\n"),
    ];

    private const string Reset = ";\nRESET plan_cache_mode";

    public static PlanCacheModeInterceptor Instance { get; } = new();

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

    /// <summary>The command text as sent: the statement between its setting and the reset when it carries a tag.</summary>
    internal static string Rewrite(string commandText) =>
        commandText.StartsWith("-- ", StringComparison.Ordinal) && SettingOf(commandText) is { } setting
            ? string.Concat(setting, commandText.AsSpan().TrimEnd().TrimEnd(';'), Reset)
            : commandText;

    /// <summary>The setting of the first tag among the comment lines EF Core puts before the statement.</summary>
    private static string? SettingOf(string commandText)
    {
        foreach (var line in commandText.AsSpan().EnumerateLines())
        {
            if (!line.StartsWith("-- ", StringComparison.Ordinal))
            {
                return null;
            }

            foreach (var (tagLine, setting) in Modes)
            {
                if (line.TrimEnd().SequenceEqual(tagLine))
                {
                    return setting;
                }
            }
        }

        return null;
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
