using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace FhirMh.FhirServer.Storage;

/// <summary>
/// A statement of fixed shape sent on the context's own connection and transaction in plain
/// ADO.NET, its rows read by position. For short reads on hot paths EF Core's per-query work
/// (parameter extraction, cache lookup, materializer) cost the server more than the statement
/// cost PostgreSQL: in a profile of <c>Patient/$match</c> the two registry reads spent 15% of the
/// server's samples inside EF Core.
/// </summary>
internal static class PlainStatement
{
    /// <summary>Runs <paramref name="sql"/>, whose parameters are <c>@p0</c>, <c>@p1</c>… in the order of <paramref name="values"/>.</summary>
    public static async Task<List<T>> ReadAsync<T>(
        FhirDbContext db, string sql, IReadOnlyList<object> values, Func<DbDataReader, T> row, CancellationToken cancellationToken)
    {
        var database = db.Database;
        await database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            command.Transaction = database.CurrentTransaction?.GetDbTransaction();
            for (var i = 0; i < values.Count; i++)
            {
                AddParameter(command, Name(i), values[i]);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<T>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(row(reader));
            }

            return rows;
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }

    /// <summary>The name of the parameter at <paramref name="index"/>: <c>@p0</c>, <c>@p1</c>….</summary>
    public static string Name(int index) => "@p" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// <c>IN (@p0, …)</c> for <paramref name="count"/> parameters: a list both providers read
    /// (SQLite has no arrays). Pages and match counts are small, so the texts are few.
    /// </summary>
    public static StringBuilder AppendInList(StringBuilder sql, int count)
    {
        sql.Append("IN (");
        for (var i = 0; i < count; i++)
        {
            sql.Append(i == 0 ? string.Empty : ", ").Append(Name(i));
        }

        return sql.Append(')');
    }

    public static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
