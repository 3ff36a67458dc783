using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace FhirMh.FhirServer.Storage;

/// <summary>
/// The lock every resource write holds for its whole transaction, taken before the write assigns
/// any <c>meta.lastUpdated</c>, so that whoever takes it exclusively waits for every write in
/// flight to commit or roll back. On PostgreSQL it is one transaction-scoped advisory lock shared
/// by every FhirMh process on the database; on SQLite the <see cref="WriteGate"/>, which each write
/// of the one process holds for its whole transaction, does the same job.
/// <para>
/// It keeps two guarantees. Stored SearchParameters: a resource version is indexed under a stored
/// parameter either by its writer or by the parameter's re-index job. A SearchParameter write takes
/// the lock exclusively, so a write that began before the change commits before the change does,
/// and is visible to the job, which starts only after the change has committed; a write that begins
/// later reads the new parameter stamp under its lock and indexes with the new set.
/// </para>
/// <para>
/// History horizons: a history response reads the clock, then waits here for every write in flight
/// (<see cref="AwaitWritesInFlightAsync"/>). A write whose <c>lastUpdated</c> is earlier than that
/// reading took the lock before it, so it has ended by the time the history is read; a write that
/// takes the lock later reads the clock later and gets a later <c>lastUpdated</c>. That holds as
/// long as the clocks of the processes writing agree (see HistoryOptions.HorizonLag).
/// </para>
/// </summary>
internal sealed class WriteLock(WriteGate gate)
{
    /// <summary>An arbitrary constant shared by every FhirMh process: "FhirMhSP" in ASCII.</summary>
    private const long Key = 0x467869724D685350;

    /// <summary>
    /// Called by every resource write at the start of its transaction, before it assigns
    /// <c>lastUpdated</c>: takes the lock, held until the transaction ends (exclusively for a
    /// SearchParameter write, which then waits for every other write in flight and keeps new ones
    /// out), and then reads the stored SearchParameters' stamp
    /// (<see cref="Search.Stored.SearchParameterState"/>). On PostgreSQL the two statements go in
    /// one round trip. They run one after the other, and each statement of a read-committed
    /// transaction sees what committed before it started: the stamp is read after the lock is
    /// granted, as if each had been sent on its own (sent apart, the two round trips took a fifth of
    /// the server's processor time on a plain create). On SQLite the caller holds the write gate already.
    /// </summary>
    public static async Task<long> TakeThenReadStampAsync(FhirDbContext db, bool isExclusive, CancellationToken cancellationToken)
    {
        if (!db.IsPostgres)
        {
            return await Search.Stored.StoredSearchParameters.ReadStampAsync(db, cancellationToken);
        }

        var database = db.Database;
        await database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var batch = database.GetDbConnection().CreateBatch();
            batch.Transaction = database.CurrentTransaction?.GetDbTransaction();
            var take = batch.CreateBatchCommand();
            take.CommandText = isExclusive ? $"SELECT pg_advisory_xact_lock({Key})" : $"SELECT pg_advisory_xact_lock_shared({Key})";
            batch.BatchCommands.Add(take);
            var stamp = batch.CreateBatchCommand();

            // The table and columns of ReindexModel.
            stamp.CommandText = $"SELECT stamp FROM search_parameter_state WHERE id = {Search.Stored.SearchParameterState.SingletonId}";
            batch.BatchCommands.Add(stamp);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            if (!await reader.NextResultAsync(cancellationToken) || !await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException("The search_parameter_state row is missing: the database was not migrated.");
            }

            return reader.GetInt64(0);
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Returns once every write that held the lock when this was called has ended. Writes that
    /// arrive meanwhile wait for this call, which holds the lock for no longer than it takes to get it.
    /// </summary>
    /// <remarks>Must not be called inside a transaction of <paramref name="db"/>: that transaction's own
    /// lock (or, on SQLite, its write turn) would never be given back.</remarks>
    public async Task AwaitWritesInFlightAsync(FhirDbContext db, CancellationToken cancellationToken)
    {
        if (db.IsPostgres)
        {
            // Outside an explicit transaction the statement is a transaction of its own, so the
            // lock is given back as soon as it is granted.
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({Key})", cancellationToken);
            return;
        }

        using var turn = await gate.EnterAsync(cancellationToken);
    }
}
