using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Storage;

/// <summary>
/// Named locks held until the open transaction ends. On PostgreSQL they are transaction-scoped
/// advisory locks, which hold across server processes; each name maps to a stable 64-bit key, and
/// several names are taken in key order, so two transactions taking overlapping sets cannot
/// deadlock over them. On SQLite the store transaction already holds the one write turn.
/// </summary>
internal static class TransactionLocks
{
    public static async Task TakeAsync(FhirDbContext db, IEnumerable<string> names, CancellationToken cancellationToken)
    {
        if (!db.IsPostgres)
        {
            return;
        }

        var keys = names.Select(Key).Distinct().Order().ToArray();
        if (keys.Length > 0)
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(k) FROM unnest({keys}) AS k", cancellationToken);
        }
    }

    private static long Key(string name) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0);
}
