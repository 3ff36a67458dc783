using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Hosting;

/// <summary>
/// Applies the provider's migrations before the server takes requests. EF Core takes a
/// database lock while migrating, so several processes starting on one PostgreSQL are safe.
/// </summary>
internal sealed class DatabaseMigrator(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FhirDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL lets readers proceed while one writer commits; the setting persists in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
