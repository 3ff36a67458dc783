using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Hosting;

/// <summary>
/// Applies the provider's migrations before the server takes requests. On PostgreSQL several
/// processes may start together: EF Core's own lock is taken per migration, so with more than
/// one pending migration a second process could start one the first is applying. A session
/// advisory lock around the whole run makes the processes migrate one after the other.
/// </summary>
internal sealed class DatabaseMigrator(IServiceProvider services) : IHostedService
{
    /// <summary>An arbitrary constant shared by every FhirMh process: "FhirMhMg" in ASCII.</summary>
    private const long MigrationLockKey = 0x467869724D684D67;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FhirDbContext>();
        if (db.IsPostgres)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
                try
                {
                    await db.Database.MigrateAsync(cancellationToken);
                }
                finally
                {
                    // Pooled connections are not reset when closed (PostgresConnectionString): a
                    // session lock left behind would hold every other process's migration.
                    await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
                }
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }

            return;
        }

        await db.Database.MigrateAsync(cancellationToken);

        // WAL lets readers proceed while one writer commits; the setting persists in the file.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
