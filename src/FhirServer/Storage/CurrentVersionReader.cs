using System.Collections.Concurrent;
using System.Data;
using FhirMh.FhirServer.Search.Sql;
using FhirMh.FhirServer.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace FhirMh.FhirServer.Storage;

/// <summary>
/// The read-by-id hot path in plain ADO.NET on the context's own connection: one statement, no
/// LINQ translation, no materializer. It reads the same columns as the EF model maps and is
/// covered by the same tests; the benchmark showed EF's per-query overhead on this path. On
/// PostgreSQL a secured read also takes the consent verdict from the same statement: a second
/// round trip cost the server more processor time (mostly sending it) than the read itself.
/// </summary>
internal static class CurrentVersionReader
{
    private const string Columns = "SELECT row_id, version_id, last_updated, is_deleted, method, status, json";

    private const string Where = " FROM resources r WHERE resource_type = @type AND resource_id = @id AND is_current";

    private const string Sql = Columns + Where;

    // The consent test of ConsentPredicates.Visible for one row, through fhirmh_consent_denies
    // (Search/Sql/ConsentFunction): a Patient is hidden by its own consent, other data by the
    // consent of each patient it refers to through the Patient compartment's parameters. The
    // caller's own patient (empty when the token has none) is never hidden from it.
    private const string DeniesArguments = "r.row_id, r.resource_type, r.resource_id, @actors, @purposes, @actions, @now, @denyByDefault, @dateParameter)";

    private const string PatientSql = Columns +
        ", r.resource_id <> @own AND " + ConsentFunction.Name + "(r.resource_id, " + DeniesArguments + Where;

    /// <summary>The secured read of a compartment type, by type: its parameters are written into the statement.</summary>
    private static readonly ConcurrentDictionary<string, string> CompartmentSql = new(StringComparer.Ordinal);

    /// <summary>
    /// The compartment's parameters are literals, not a parameter: with an array parameter
    /// PostgreSQL costs the generic plan for ten array elements probed one by one, finds it dearer
    /// than a custom plan and so re-plans the read at every execution (about as long as running
    /// it). With the names in the text the prepared statement settles on its generic plan.
    /// </summary>
    private static string CompartmentSqlOf(ConsentCriterion consent) => CompartmentSql.GetOrAdd(consent.ResourceType, _ =>
        Columns +
        ", EXISTS (SELECT 1 FROM ix_reference x WHERE x.row_id = r.row_id AND x.target_type = 'Patient' AND x.param IN (" +
        string.Join(", ", consent.CompartmentParameters.Select(SqlLiteral)) + ") " +
        "AND x.target_id <> @own AND " + ConsentFunction.Name + "(x.target_id, " + DeniesArguments + ")" + Where);

    /// <summary>A search parameter's code as a SQL string literal (codes are tokens; a quote is doubled all the same).</summary>
    private static string SqlLiteral(string code) => "'" + code.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static async Task<StoredVersion?> ReadAsync(FhirDbContext db, string type, string id, CancellationToken cancellationToken) =>
        (await ReadAsync(db, type, id, consent: null, cancellationToken)).Current;

    /// <summary>PostgreSQL only: the current version, and whether <paramref name="consent"/> hides it, in one statement.</summary>
    public static Task<(StoredVersion? Current, bool IsHidden)> ReadWithConsentAsync(
        FhirDbContext db, string type, string id, ConsentCriterion consent, CancellationToken cancellationToken) =>
        ReadAsync(db, type, id, consent, cancellationToken);

    private static async Task<(StoredVersion? Current, bool IsHidden)> ReadAsync(
        FhirDbContext db, string type, string id, ConsentCriterion? consent, CancellationToken cancellationToken)
    {
        var database = db.Database;
        await database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = database.GetDbConnection().CreateCommand();
            command.CommandText = consent is null ? Sql : consent.ResourceType == "Patient" ? PatientSql : CompartmentSqlOf(consent);
            command.Transaction = database.CurrentTransaction?.GetDbTransaction();
            PlainStatement.AddParameter(command, "@type", type);
            PlainStatement.AddParameter(command, "@id", id);
            if (consent is not null)
            {
                PlainStatement.AddParameter(command, "@own", consent.OwnPatient);
                PlainStatement.AddParameter(command, "@actors", consent.Actors.ToArray());
                PlainStatement.AddParameter(command, "@purposes", consent.Purposes.ToArray());
                PlainStatement.AddParameter(command, "@actions", consent.Actions.ToArray());
                PlainStatement.AddParameter(command, "@now", consent.Now);
                PlainStatement.AddParameter(command, "@denyByDefault", consent.IsDenyByDefault);
                PlainStatement.AddParameter(command, "@dateParameter", consent.DataDateParameter);
            }

            if (db.IsPostgres)
            {
                // Planning costs PostgreSQL more than executing this lookup. Npgsql keeps prepared
                // statements per physical connection, so after the first call this is a cache hit.
                await command.PrepareAsync(cancellationToken);
            }

            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return (null, false);
            }

            var lastUpdated = db.IsPostgres
                ? reader.GetFieldValue<Instant>(2)
                : Instant.FromUnixTimeTicks(reader.GetInt64(2));
            var current = new StoredVersion(
                reader.GetInt64(0),
                type,
                id,
                reader.GetInt32(1),
                lastUpdated,
                reader.GetBoolean(3),
                reader.GetString(4),
                reader.GetInt32(5),
                await reader.IsDBNullAsync(6, cancellationToken) ? null : reader.GetString(6));
            return (current, consent is not null && reader.GetBoolean(7));
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }
}
