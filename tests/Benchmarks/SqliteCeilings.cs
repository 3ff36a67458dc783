using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace FhirMh.Benchmarks;

/// <summary>
/// SQLite's own limits on this disk, measured in-process without HTTP: the SQLite counterparts of
/// pgbench TPC-B (durable single-row commits, WAL with synchronous=FULL) and pgbench -S (prepared
/// point reads by key from two threads).
/// </summary>
internal static class SqliteCeilings
{
    public static async Task<double> DurableCommitsPerSecondAsync(string folder, TimeSpan duration)
    {
        var file = Path.Combine(folder, "ceiling-commits.db");
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, payload TEXT)");
        var payload = new string('x', 1000);
        var commits = 0L;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            await using var insert = new SqliteCommand("INSERT INTO t (payload) VALUES ($p)", connection, transaction);
            insert.Parameters.AddWithValue("$p", payload);
            await insert.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
            commits++;
        }

        var rate = commits / clock.Elapsed.TotalSeconds;
        SqliteConnection.ClearAllPools();
        File.Delete(file);
        return rate;
    }

    public static async Task<double> PointReadsPerSecondAsync(string connectionString, IReadOnlyList<string> ids, TimeSpan duration)
    {
        var total = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 2).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync();
            await using var select = new SqliteCommand(
                "SELECT json FROM resources WHERE resource_type = 'Patient' AND resource_id = $id AND is_current", connection);
            var id = select.Parameters.Add("$id", SqliteType.Text);
            select.Prepare();
            var count = 0L;
            while (clock.Elapsed < duration)
            {
                id.Value = ids[random.Next(ids.Count)];
                _ = await select.ExecuteScalarAsync();
                count++;
            }

            Interlocked.Add(ref total, count);
        })));
        return total / clock.Elapsed.TotalSeconds;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = new SqliteCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
