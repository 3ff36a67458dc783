using FhirMh.Testing;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// One PostgreSQL server for the whole test run, started on first use and removed when the
/// test process exits. Each fixture gets a database of its own on it.
/// </summary>
internal static class SharedPostgres
{
    private static readonly Lazy<Task<PostgresServer>> Server = new(StartAsync);

    public static Task<PostgresServer> GetAsync() => Server.Value;

    private static async Task<PostgresServer> StartAsync()
    {
        var server = await PostgresServer.StartAsync(isDurable: false, CancellationToken.None);
        server.RemoveWhenThisProcessExits();
        return server;
    }
}
