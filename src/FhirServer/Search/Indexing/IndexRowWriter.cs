using System.Collections.Concurrent;
using System.Data.Common;
using System.Linq.Expressions;
using System.Text;
using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace FhirMh.FhirServer.Search.Indexing;

/// <summary>
/// Writes the index rows of new versions, several tables to a command, in the caller's database
/// transaction. A version has tens of index rows; EF Core's change tracker would track, fix up and
/// batch each of them one by one, which cost more than building the rows. Tables, columns and
/// value conversions come from the EF Core model, so the rows land exactly as the model maps them
/// on either provider.
/// <para>
/// On PostgreSQL each table gets one <c>INSERT … SELECT * FROM unnest(…)</c> with an array per
/// column, whatever the number of rows: a multi-row VALUES list had a parameter per value, so a
/// batch of a few hundred versions was a statement of thousands of parameters, different at each
/// batch, that the driver parsed and named and PostgreSQL parsed and planned anew (tens of
/// milliseconds a batch). On SQLite, which has no arrays, rows go as multi-row VALUES.
/// </para>
/// </summary>
internal sealed class IndexRowWriter
{
    /// <summary>Parameters per command on PostgreSQL: below its 65,535.</summary>
    private const int MaxParameters = 30_000;

    /// <summary>
    /// Parameters per command on SQLite. Its provider binds each parameter by a linear search of
    /// the statement's names, so a command costs about the square of its parameters; round trips
    /// are in-process and cheap, so commands stay small.
    /// </summary>
    private const int MaxSqliteParameters = 900;

    private readonly ConcurrentDictionary<(IModel Model, Type RowType), IndexTable> _tables = new();

    /// <summary>Inserts <paramref name="rows"/>, whose <see cref="IndexRow.RowId"/> must already be set.</summary>
    public async Task WriteAsync(FhirDbContext db, IReadOnlyCollection<IndexRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var isArrays = db.IsPostgres;
        var limit = isArrays ? MaxParameters : MaxSqliteParameters;
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var sql = new StringBuilder();
        var command = connection.CreateCommand();
        try
        {
            foreach (var group in rows.GroupBy(r => r.GetType()))
            {
                var table = _tables.GetOrAdd((db.Model, group.Key), key => IndexTable.Of(db, key.Model, key.RowType));
                var pending = group.ToList();
                if (isArrays)
                {
                    table.AppendUnnest(sql, command, pending);
                    continue;
                }

                var perStatement = limit / table.Columns.Count;
                for (var start = 0; start < pending.Count; start += perStatement)
                {
                    var count = Math.Min(perStatement, pending.Count - start);
                    if (command.Parameters.Count + (count * table.Columns.Count) > limit)
                    {
                        await ExecuteAsync(command, sql, transaction, cancellationToken);
                        await command.DisposeAsync();
                        command = connection.CreateCommand();
                    }

                    table.AppendInsert(sql, command, pending, start, count);
                }
            }

            await ExecuteAsync(command, sql, transaction, cancellationToken);
        }
        finally
        {
            await command.DisposeAsync();
        }
    }

    private static async Task ExecuteAsync(DbCommand command, StringBuilder sql, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        if (sql.Length == 0)
        {
            return;
        }

        command.CommandText = sql.ToString();
        command.Transaction = transaction;
        sql.Clear();
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>One index table as the model maps it: its delimited name and its columns in order.</summary>
    private sealed record IndexTable(string Name, IReadOnlyList<IndexColumn> Columns)
    {
        public static IndexTable Of(DbContext db, IModel model, Type rowType)
        {
            var sql = db.GetService<ISqlGenerationHelper>();
            var entity = model.FindEntityType(rowType) ?? throw new InvalidOperationException($"{rowType.Name} is not in the model.");
            var columns = entity.GetProperties()
                .Select(p => new IndexColumn(sql.DelimitIdentifier(p.GetColumnName()), Getter(rowType, p), p.GetRelationalTypeMapping(), p.IsNullable))
                .ToList();
            return new IndexTable(sql.DelimitIdentifier(entity.GetTableName()!), columns);
        }

        public void AppendInsert(StringBuilder sql, DbCommand command, List<IndexRow> rows, int start, int count)
        {
            sql.Append("INSERT INTO ").Append(Name).Append(" (").AppendJoin(", ", Columns.Select(c => c.Name)).Append(") VALUES ");
            for (var i = start; i < start + count; i++)
            {
                sql.Append(i == start ? "(" : ", (");
                for (var c = 0; c < Columns.Count; c++)
                {
                    var name = "@i" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    command.Parameters.Add(Columns[c].Mapping.CreateParameter(command, name, Columns[c].Get(rows[i]), nullable: true));
                    sql.Append(c == 0 ? string.Empty : ", ").Append(name);
                }

                sql.Append(')');
            }

            sql.Append(";\n");
        }

        /// <summary>
        /// All of <paramref name="rows"/> as one statement with an array parameter per column, each
        /// cast to an array of the column's base type, without its length: an explicit cast to
        /// <c>character varying(64)</c> would cut a longer value silently, whereas the insert's own
        /// conversion into the column refuses it, as the VALUES path does.
        /// </summary>
        public void AppendUnnest(StringBuilder sql, DbCommand command, List<IndexRow> rows)
        {
            sql.Append("INSERT INTO ").Append(Name).Append(" (").AppendJoin(", ", Columns.Select(c => c.Name)).Append(") SELECT * FROM unnest(");
            for (var c = 0; c < Columns.Count; c++)
            {
                var column = Columns[c];
                var values = Array.CreateInstance(column.ProviderType, rows.Count);
                for (var i = 0; i < rows.Count; i++)
                {
                    values.SetValue(column.ToProvider(rows[i]), i);
                }

                var parameter = command.CreateParameter();
                parameter.ParameterName = "@i" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                parameter.Value = values;
                command.Parameters.Add(parameter);
                sql.Append(c == 0 ? string.Empty : ", ").Append(parameter.ParameterName).Append("::").Append(column.Mapping.StoreTypeNameBase).Append("[]");
            }

            sql.Append(");\n");
        }

        /// <summary>A compiled read of the property, boxed: the type mapping converts it for the provider.</summary>
        private static Func<IndexRow, object?> Getter(Type rowType, IProperty property)
        {
            var row = Expression.Parameter(typeof(IndexRow), "row");
            var value = Expression.Property(Expression.Convert(row, rowType), property.PropertyInfo ?? throw new InvalidOperationException($"{property.Name} is a shadow property."));
            return Expression.Lambda<Func<IndexRow, object?>>(Expression.Convert(value, typeof(object)), row).Compile();
        }
    }

    private sealed record IndexColumn(string Name, Func<IndexRow, object?> Get, RelationalTypeMapping Mapping, bool IsNullable)
    {
        /// <summary>The element type of the column's array: the provider's type, nullable when the column is.</summary>
        public Type ProviderType { get; } = ElementType(Mapping.Converter?.ProviderClrType ?? Mapping.ClrType, IsNullable);

        public object? ToProvider(IndexRow row)
        {
            var value = Get(row);
            return value is not null && Mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value;
        }

        private static Type ElementType(Type type, bool isNullable) =>
            isNullable && type.IsValueType && Nullable.GetUnderlyingType(type) is null ? typeof(Nullable<>).MakeGenericType(type) : type;
    }
}
