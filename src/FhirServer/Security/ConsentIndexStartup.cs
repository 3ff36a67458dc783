using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// Builds the consent index at start-up when it is empty but Consents are stored (a database from
/// before the index existed), so that no stored consent goes unenforced. Runs after the migrations
/// and before the server takes requests.
/// </summary>
internal sealed partial class ConsentIndexStartup(IServiceScopeFactory scopes, ILogger<ConsentIndexStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FhirDbContext>();
        if (await db.Set<ConsentProvisionRow>().AnyAsync(cancellationToken) ||
            !await db.Resources.AnyAsync(r => r.ResourceType == "Consent" && r.IsCurrent && !r.IsDeleted, cancellationToken))
        {
            return;
        }

        LogBuilding(logger);
        await scope.ServiceProvider.GetRequiredService<ConsentIndex>().RebuildAllAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Indexing the stored Consents for enforcement")]
    private static partial void LogBuilding(ILogger logger);
}
