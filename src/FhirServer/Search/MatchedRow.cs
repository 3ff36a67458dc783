using System.Data.Common;
using System.Text;
using FhirMh.FhirServer.Storage;

namespace FhirMh.FhirServer.Search;

/// <summary>A resource a search found, with its stored JSON.</summary>
internal sealed record MatchedRow(long RowId, string ResourceType, string ResourceId, string Json)
{
    /// <summary>The columns <see cref="Read"/> reads, from the table and columns of <see cref="ResourceRow"/> (FhirDbContext).</summary>
    private const string Columns = "SELECT row_id, resource_type, resource_id, json FROM resources";

    /// <summary>
    /// The rows of <paramref name="found"/> in that order, read with their JSON; a row superseded or
    /// deleted since it was found is left out rather than shown as it was.
    /// </summary>
    public static async Task<List<MatchedRow>> ReadCurrentAsync(FhirDbContext db, List<long> found, CancellationToken cancellationToken)
    {
        if (found.Count == 0)
        {
            return [];
        }

        var rows = (await PlainStatement.ReadAsync(db, Columns + " WHERE " + Where(db, "row_id", found.Count), Values(db, found), Read, cancellationToken)).ToDictionary(r => r.RowId);
        return [.. found.Where(rows.ContainsKey).Select(id => rows[id])];
    }

    /// <summary>
    /// The current, live Patients of <paramref name="ids"/> with their JSON, by id; an id without
    /// one is left out.
    /// </summary>
    public static async Task<Dictionary<string, MatchedRow>> ReadCurrentPatientsAsync(FhirDbContext db, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return new(StringComparer.Ordinal);
        }

        return (await PlainStatement.ReadAsync(db, Columns + " WHERE resource_type = 'Patient' AND " + Where(db, "resource_id", ids.Count), Values(db, ids), Read, cancellationToken))
            .ToDictionary(r => r.ResourceId, StringComparer.Ordinal);
    }

    /// <summary>
    /// The statement for current, live rows whose <paramref name="column"/> is one of
    /// <paramref name="count"/> values: on PostgreSQL one array parameter, so every count shares one
    /// prepared statement; on SQLite, which has no arrays, a parameter each.
    /// </summary>
    private static string Where(FhirDbContext db, string column, int count) =>
        (db.IsPostgres
            ? new StringBuilder(column).Append(" = ANY(").Append(PlainStatement.Name(0)).Append(')')
            : PlainStatement.AppendInList(new StringBuilder(column).Append(' '), count))
        .Append(" AND is_current AND NOT is_deleted").ToString();

    private static IReadOnlyList<object> Values<T>(FhirDbContext db, IReadOnlyCollection<T> values)
        where T : notnull =>
        db.IsPostgres ? [values.ToArray()] : [.. values.Cast<object>()];

    private static MatchedRow Read(DbDataReader reader) => new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
}
