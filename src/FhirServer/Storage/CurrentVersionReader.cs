using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace FhirMh.FhirServer.Storage;

/// <summary>
/// The read-by-id hot path in plain ADO.NET on the context's own connection: one statement, no
/// LINQ translation, no materializer. It reads the same columns as the EF model maps and is
/// covered by the same tests; the benchmark showed EF's per-query overhead on this path.
/// </summary>
internal static class CurrentVersionReader
{
    private const string Sql =
        "SELECT row_id, version_id, last_updated, is_deleted, method, status, json FROM resources " +
        "WHERE resource_type = @type AND resource_id = @id AND is_current";

    public static async Task<StoredVersion?> ReadAsync(FhirDbContext db, string type, string id, CancellationToken cancellationToken)
    {
        var database = db.Database;
        await database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = database.GetDbConnection().CreateCommand();
            command.CommandText = Sql;
            command.Transaction = database.CurrentTransaction?.GetDbTransaction();
            AddParameter(command, "@type", type);
            AddParameter(command, "@id", id);
            if (database.IsNpgsql())
            {
                // Planning costs PostgreSQL more than executing this lookup. Npgsql keeps prepared
                // statements per physical connection, so after the first call this is a cache hit.
                await command.PrepareAsync(cancellationToken);
            }

            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            var lastUpdated = database.IsNpgsql()
                ? reader.GetFieldValue<Instant>(2)
                : Instant.FromUnixTimeTicks(reader.GetInt64(2));
            return new StoredVersion(
                reader.GetInt64(0),
                type,
                id,
                reader.GetInt32(1),
                lastUpdated,
                reader.GetBoolean(3),
                reader.GetString(4),
                reader.GetInt32(5),
                await reader.IsDBNullAsync(6, cancellationToken) ? null : reader.GetString(6));
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }

    private static void AddParameter(DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
