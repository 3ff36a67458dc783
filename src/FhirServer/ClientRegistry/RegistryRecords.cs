using System.Text;
using System.Text.Json;
using FhirMh.FhirServer.Storage;
using FhirMh.Registries.Matching;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>
/// The client registry's rows: source records with their golden record and matching values,
/// blocking keys, potential matches and cannot-link decisions. Statements are plain SQL that both
/// providers accept (INSERT … ON CONFLICT), each a single round trip, joining the store's open
/// transaction.
/// </summary>
internal sealed partial class RegistryRecords(FhirDbContext db, ILogger<RegistryRecords> logger)
{
    public Task<RegistryRecordRow?> FindAsync(string sourceId, CancellationToken cancellationToken) =>
        db.RegistryRecords.AsNoTracking().FirstOrDefaultAsync(r => r.SourceId == sourceId, cancellationToken);

    public Task<bool> IsGoldenAsync(string patientId, CancellationToken cancellationToken) =>
        db.RegistryRecords.AnyAsync(r => r.GoldenId == patientId, cancellationToken);

    public Task<List<RegistryRecordRow>> SourcesOfAsync(string goldenId, CancellationToken cancellationToken) =>
        db.RegistryRecords.AsNoTracking().Where(r => r.GoldenId == goldenId).OrderBy(r => r.SourceId).ToListAsync(cancellationToken);

    public Task<List<RegistryRecordRow>> FindAllAsync(IReadOnlyCollection<string> sourceIds, CancellationToken cancellationToken) =>
        db.RegistryRecords.AsNoTracking().Where(r => sourceIds.Contains(r.SourceId)).ToListAsync(cancellationToken);

    public async Task<HashSet<string>> CannotLinksAsync(string sourceId, CancellationToken cancellationToken) =>
        (await db.CannotLinks.AsNoTracking().Where(c => c.SourceId == sourceId).Select(c => c.GoldenId).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);

    public Task<List<PotentialMatchRow>> PotentialMatchesAsync(string sourceId, CancellationToken cancellationToken) =>
        db.PotentialMatches.AsNoTracking().Where(p => p.SourceId == sourceId).OrderByDescending(p => p.Score).ToListAsync(cancellationToken);

    /// <summary>
    /// Serialises, until the transaction ends, the registrations that share a blocking key. Two
    /// records that share no key can never be each other's candidates, so registrations of the
    /// same person wait for each other (one golden record, not two) while others run in parallel.
    /// Keys are locked in one order, so two registrations cannot deadlock.
    /// </summary>
    public Task LockAsync(IEnumerable<string> keys, CancellationToken cancellationToken) =>
        TransactionLocks.TakeAsync(db, keys.Select(k => "mpi-key:" + k), cancellationToken);

    /// <summary>Serialises the recomputing of golden records, taken after the key locks and in one order.</summary>
    public Task LockGoldenAsync(IEnumerable<string> goldenIds, CancellationToken cancellationToken) =>
        TransactionLocks.TakeAsync(db, goldenIds.Select(id => "mpi-golden:" + id), cancellationToken);

    /// <summary>
    /// The source records sharing a blocking key with the record being matched: for each key at
    /// most <paramref name="cap"/> of them (a block over the cap is logged), in one statement.
    /// Never a scan: each key is an index lookup.
    /// </summary>
    public async Task<List<MatchCandidate>> CandidatesAsync(IReadOnlyList<string> keys, int cap, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return [];
        }

        var sql = new StringBuilder();
        for (var i = 0; i < keys.Count; i++)
        {
            if (i > 0)
            {
                sql.Append(" UNION ALL ");
            }

            sql.Append("SELECT * FROM (SELECT k.block_key, r.source_id, r.golden_id, r.fields FROM mpi_block_keys k JOIN mpi_records r ON r.source_id = k.source_id WHERE k.block_key = ")
                .Append(PlainStatement.Name(i)).Append(" LIMIT ").Append(cap + 1).Append(") AS b").Append(i);
        }

        var rows = await PlainStatement.ReadAsync(
            db,
            sql.ToString(),
            [.. keys],
            reader => new MatchCandidate { BlockKey = reader.GetString(0), SourceId = reader.GetString(1), GoldenId = reader.GetString(2), Fields = reader.GetString(3) },
            cancellationToken);
        var candidates = new List<MatchCandidate>(rows.Count);
        foreach (var block in rows.GroupBy(r => r.BlockKey, StringComparer.Ordinal))
        {
            var members = block.ToList();
            if (members.Count > cap)
            {
                LogBlockOverCap(logger, block.Key, cap);
                members.RemoveAt(members.Count - 1);
            }

            candidates.AddRange(members);
        }

        return candidates;
    }

    /// <summary>
    /// Up to <paramref name="limit"/> distinct pairs of source records sharing a blocking key, from
    /// blocks no larger than <paramref name="cap"/>: the pairs matching compares, so the pairs
    /// weights are learned from.
    /// </summary>
    public Task<List<CandidatePair>> CandidatePairsAsync(int cap, int limit, CancellationToken cancellationToken) =>
        db.Database.SqlQueryRaw<CandidatePair>(
            "SELECT DISTINCT a.source_id AS left_id, b.source_id AS right_id FROM mpi_block_keys a " +
            "JOIN mpi_block_keys b ON b.block_key = a.block_key AND a.source_id < b.source_id " +
            "WHERE a.block_key IN (SELECT block_key FROM mpi_block_keys GROUP BY block_key HAVING COUNT(*) <= {0}) " +
            "ORDER BY a.source_id, b.source_id LIMIT {1}",
            cap,
            limit).ToListAsync(cancellationToken);

    /// <summary>Every source record's matching values.</summary>
    public Task<List<RegistryRecordRow>> AllAsync(CancellationToken cancellationToken) =>
        db.RegistryRecords.AsNoTracking().ToListAsync(cancellationToken);

    /// <summary>Writes the record of a source, its blocking keys and its potential matches, replacing earlier ones.</summary>
    public async Task SaveAsync(RegistryRecordRow record, IReadOnlyList<string> keys, IReadOnlyList<PotentialMatchRow> potentials, CancellationToken cancellationToken)
    {
        // A null cannot be a raw SQL parameter (it has no type): an absent score is the literal NULL.
        var parameters = new List<object>
        {
            record.SourceId, record.GoldenId, record.Fields, record.Systems ?? string.Empty, record.RuleVersion, record.Method, record.Score ?? 0d,
        };
        var score = record.Score is null ? "NULL" : "{6}";
        var sql = new StringBuilder(
            $"INSERT INTO mpi_records (source_id, golden_id, fields, systems, rule_version, method, score) VALUES ({{0}}, {{1}}, {{2}}, {{3}}, {{4}}, {{5}}, {score}) " +
            "ON CONFLICT (source_id) DO UPDATE SET golden_id = excluded.golden_id, fields = excluded.fields, systems = excluded.systems, " +
            "rule_version = excluded.rule_version, score = excluded.score, method = excluded.method; " +
            "DELETE FROM mpi_block_keys WHERE source_id = {0}; DELETE FROM mpi_potential_matches WHERE source_id = {0};");
        if (keys.Count > 0)
        {
            sql.Append(" INSERT INTO mpi_block_keys (block_key, source_id) VALUES ");
            for (var i = 0; i < keys.Count; i++)
            {
                sql.Append(i > 0 ? ", " : string.Empty).Append("({").Append(parameters.Count).Append("}, {0})");
                parameters.Add(keys[i]);
            }

            sql.Append(" ON CONFLICT DO NOTHING;");
        }

        if (potentials.Count > 0)
        {
            sql.Append(" INSERT INTO mpi_potential_matches (source_id, golden_id, score, rule_version) VALUES ");
            for (var i = 0; i < potentials.Count; i++)
            {
                sql.Append(i > 0 ? ", " : string.Empty)
                    .Append("({0}, {").Append(parameters.Count).Append("}, {").Append(parameters.Count + 1).Append("}, {4})");
                parameters.Add(potentials[i].GoldenId);
                parameters.Add(potentials[i].Score);
            }

            sql.Append(" ON CONFLICT DO NOTHING;");
        }

        await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, cancellationToken);
    }

    /// <summary>Forgets a deleted source: its record, keys and potential matches (its cannot-link decisions stay).</summary>
    public Task RemoveAsync(string sourceId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(
            "DELETE FROM mpi_records WHERE source_id = {0}; DELETE FROM mpi_block_keys WHERE source_id = {0}; DELETE FROM mpi_potential_matches WHERE source_id = {0};",
            [sourceId],
            cancellationToken);

    /// <summary>
    /// Potential matches naming a golden record that no longer exists go with it. Returns the
    /// sources left with no potential match at all, whose review tag must go too.
    /// </summary>
    public async Task<List<string>> ForgetGoldenAsync(string goldenId, CancellationToken cancellationToken)
    {
        var waiting = await db.PotentialMatches.AsNoTracking().Where(p => p.GoldenId == goldenId).Select(p => p.SourceId).ToListAsync(cancellationToken);
        if (waiting.Count == 0)
        {
            return [];
        }

        await db.Database.ExecuteSqlRawAsync("DELETE FROM mpi_potential_matches WHERE golden_id = {0};", [goldenId], cancellationToken);
        var stillWaiting = await db.PotentialMatches.AsNoTracking().Where(p => waiting.Contains(p.SourceId)).Select(p => p.SourceId).Distinct().ToListAsync(cancellationToken);
        return waiting.Except(stillWaiting).ToList();
    }

    /// <summary>Staff linked the source to <paramref name="goldenId"/>: matching keeps it there, and an earlier cannot-link of the pair is void.</summary>
    public Task LinkManuallyAsync(string sourceId, string goldenId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(
            "UPDATE mpi_records SET golden_id = {1}, method = 'manual', score = NULL WHERE source_id = {0}; " +
            "DELETE FROM mpi_cannot_links WHERE source_id = {0} AND golden_id = {1}; DELETE FROM mpi_potential_matches WHERE source_id = {0} AND golden_id = {1};",
            [sourceId, goldenId],
            cancellationToken);

    /// <summary>Staff decided the source is not the person of <paramref name="goldenId"/>; a manual link to it is undone.</summary>
    public Task AddCannotLinkAsync(string sourceId, string goldenId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(
            "INSERT INTO mpi_cannot_links (source_id, golden_id) VALUES ({0}, {1}) ON CONFLICT DO NOTHING; DELETE FROM mpi_potential_matches WHERE source_id = {0} AND golden_id = {1}; " +
            "UPDATE mpi_records SET method = 'auto' WHERE source_id = {0} AND golden_id = {1} AND method = 'manual';",
            [sourceId, goldenId],
            cancellationToken);

    public static string FieldsJson(MatchRecord record) => JsonSerializer.Serialize(record.Fields);

    public static MatchRecord RecordOf(string sourceId, string fieldsJson) =>
        new(sourceId, JsonSerializer.Deserialize<Dictionary<string, List<string>>>(fieldsJson)!
            .ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Value, StringComparer.Ordinal));

    [LoggerMessage(Level = LogLevel.Information, Message = "Blocking key {Key} has more than {Cap} records; matching took the first {Cap}")]
    private static partial void LogBlockOverCap(ILogger logger, string key, int cap);
}
