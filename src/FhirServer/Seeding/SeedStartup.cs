using FhirMh.FhirServer.Validation;

namespace FhirMh.FhirServer.Seeding;

/// <summary>
/// At start-up, after the migrations and the packages: stores each resource of the seeds/
/// folder unless one of its type with the same url and version is stored (issue #5: seeding is
/// idempotent, matched on url and version; a second start changes nothing).
/// </summary>
internal sealed partial class SeedStartup(
    SeedFolder folder,
    StoredConformanceResolver stored,
    IServiceProvider services,
    ILogger<SeedStartup> logger) : IHostedService
{
    /// <exception cref="SeedException">A seed cannot be read.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var seeds = folder.Read();
        if (seeds.Count == 0)
        {
            return;
        }

        var written = 0;
        await using (var writer = await SeedWriter.OpenAsync(services, cancellationToken))
        {
            foreach (var seed in seeds)
            {
                if (await writer.StoreByCanonicalAsync(seed, cancellationToken))
                {
                    written++;
                }
            }
        }

        if (written > 0)
        {
            // The validator may have looked for these canonicals already and remembered the miss.
            stored.Forget();
        }

        LogSeeded(logger, written, seeds.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeds: {Written} of {Count} stored, the others found stored by url and version")]
    private static partial void LogSeeded(ILogger logger, int written, int count);
}
