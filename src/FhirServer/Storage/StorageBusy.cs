using Microsoft.Data.Sqlite;
using Npgsql;

namespace FhirMh.FhirServer.Storage;

/// <summary>
/// Recognises a database too busy to answer in time: a command timeout, no free connection in
/// the pool, or SQLite's busy lock. The request's transaction is rolled back; the client should
/// retry later (503), which a 500 would not tell it.
/// </summary>
internal static class StorageBusy
{
    private const int SqliteBusy = 5;

    public static bool Is(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is TimeoutException or NpgsqlException { InnerException: TimeoutException } or SqliteException { SqliteErrorCode: SqliteBusy })
            {
                return true;
            }
        }

        return false;
    }
}
