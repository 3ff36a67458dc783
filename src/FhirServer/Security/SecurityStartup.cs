using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Security;

/// <summary>Says loudly at start-up when the API is open to anyone.</summary>
internal sealed partial class SecurityStartup(IOptions<SecurityOptions> options, ILogger<SecurityStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            LogOpen(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "SECURITY IS OFF (Security:Enabled=false): anyone who reaches this server can read, change and delete every record, and no consent is enforced. Use this for local experiments only.")]
    private static partial void LogOpen(ILogger logger);
}
