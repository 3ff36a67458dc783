using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FhirMh.Testing;

/// <summary>The FhirMh server as its own process, as an operator runs it.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    /// <summary>
    /// The line the server logs once it has compiled the validation definitions in the background
    /// after start-up (or failed to, and left them to first use): until then that compilation
    /// competes with whatever the process is asked to do.
    /// </summary>
    private static readonly string[] WarmUpEnds = ["Validation definitions compiled", "Compiling the validation definitions failed"];

    private readonly Process _process;

    private readonly TaskCompletionSource _warmedUp = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>The processor time the server process has used so far (user and system).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <exception cref="InvalidOperationException">The process exited during start-up.</exception>
    /// <exception cref="TimeoutException">It was not ready (GET /readyz) within 60 s.</exception>
    public static Task<ServerProcess> StartAsync(string serverDll, string provider, string connectionString, CancellationToken cancellationToken) =>
        StartAsync(serverDll, provider, connectionString, new Dictionary<string, string>(), cancellationToken);

    /// <summary>
    /// <see cref="StartAsync(string, string, string, IReadOnlyDictionary{string, string}, CancellationToken)"/>, then waits
    /// until the server has compiled its validation definitions, at most two minutes: a benchmark
    /// measures the server at work, not the server and its start-up compilation on the same cores.
    /// </summary>
    /// <exception cref="TimeoutException">The compilation did not end within two minutes.</exception>
    public static async Task<ServerProcess> StartWarmAsync(
        string serverDll, string provider, string connectionString, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var server = await StartAsync(serverDll, provider, connectionString, settings, cancellationToken);
        try
        {
            await server._warmedUp.Task.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc cref="StartWarmAsync(string, string, string, IReadOnlyDictionary{string, string}, CancellationToken)"/>
    public static Task<ServerProcess> StartWarmAsync(string serverDll, string provider, string connectionString, CancellationToken cancellationToken) =>
        StartWarmAsync(serverDll, provider, connectionString, new Dictionary<string, string>(), cancellationToken);

    /// <summary>Starts the server with <paramref name="settings"/> on top of appsettings.json, keyed as in it (<c>ClientRegistry:Enabled</c>).</summary>
    /// <exception cref="InvalidOperationException">The process exited during start-up.</exception>
    /// <exception cref="TimeoutException">It was not ready (GET /readyz) within 60 s.</exception>
    public static async Task<ServerProcess> StartAsync(
        string serverDll, string provider, string connectionString, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
        };
        start.ArgumentList.Add(serverDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseUrl);
        start.Environment["Storage__Provider"] = provider;
        start.Environment["Storage__ConnectionString"] = connectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__FhirMh.FhirServer.Validation.ConformanceStartup"] = "Information";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        // What runs a server process measures or tests something other than access control; a
        // setting turns security back on where it is the subject.
        start.Environment["Security__Enabled"] = "false";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The server did not start.");
        var server = new ServerProcess(process, baseUrl);
        // The last lines the server wrote, to say why it stopped if it does.
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }

            output.Enqueue(line);
            if (WarmUpEnds.Any(line.Contains))
            {
                server._warmedUp.TrySetResult();
            }

            while (output.Count > 40 && output.TryDequeue(out _))
            {
            }
        }

        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient();
        for (var attempt = 0; attempt < 120; attempt++)
        {
            try
            {
                using var ready = await http.GetAsync(baseUrl + "/readyz", cancellationToken);
                if (ready.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (process.HasExited)
            {
                await process.WaitForExitAsync(cancellationToken);
                throw new InvalidOperationException(
                    $"The server exited with {process.ExitCode} during start-up. Its last output:\n{string.Join('\n', output)}");
            }

            await Task.Delay(500, cancellationToken);
        }

        await server.DisposeAsync();
        throw new TimeoutException("The server was not ready within 60 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
