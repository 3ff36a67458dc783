using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace FhirMh.Testing;

/// <summary>
/// A throw-away PostgreSQL server from the machine's Debian binaries (/usr/lib/postgresql/*/bin):
/// initdb into a temporary folder (as the <c>postgres</c> user when running as root), started on a
/// free loopback port, removed on dispose. A machine without PostgreSQL is a loud failure.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _binDirectory;
    private readonly string _root;
    private readonly bool _runAsPostgres;

    private PostgresServer(string binDirectory, string root, int port, bool runAsPostgres)
    {
        _binDirectory = binDirectory;
        _root = root;
        Port = port;
        _runAsPostgres = runAsPostgres;
    }

    public int Port { get; }

    /// <summary>Connection string for a database on this server (the maintenance database by default).</summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = database,
            MaxPoolSize = 200,
        }.ConnectionString;

    /// <param name="isDurable">
    /// Keep fsync and synchronous commit on, as in production (benchmarks); tests turn them off.
    /// </param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <exception cref="InvalidOperationException">No PostgreSQL binaries, or the server did not start.</exception>
    public static async Task<PostgresServer> StartAsync(bool isDurable, CancellationToken cancellationToken)
    {
        var binDirectory = FindBinDirectory();
        var root = Path.Combine(Path.GetTempPath(), "fhirmh-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var runAsPostgres = Environment.UserName == "root";
        if (runAsPostgres)
        {
            await RunAsync("chown", ["postgres:postgres", root], asPostgres: false, cancellationToken);
        }

        var server = new PostgresServer(binDirectory, root, FreeLoopbackPort(), runAsPostgres);
        try
        {
            await server.InitAndStartAsync(isDurable, cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>
    /// Stops the server and removes its folder once this process has exited, however it exits:
    /// a test host may be killed before any exit handler of its own completes.
    /// </summary>
    public void RemoveWhenThisProcessExits()
    {
        var data = Path.Combine(_root, "data");
        var stop = _runAsPostgres
            ? $"runuser -u postgres -- '{Path.Combine(_binDirectory, "pg_ctl")}' -D '{data}' -m immediate -w stop"
            : $"'{Path.Combine(_binDirectory, "pg_ctl")}' -D '{data}' -m immediate -w stop";
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 0.5; done; {stop} >/dev/null 2>&1; rm -rf '{_root}'";
        var watcher = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = false };
        watcher.ArgumentList.Add("-c");
        watcher.ArgumentList.Add(script);
        using var process = Process.Start(watcher) ?? throw new InvalidOperationException("Could not start the PostgreSQL clean-up watcher.");
    }

    public async Task CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The processor time used so far by the backends connected to <paramref name="database"/>
    /// (Linux /proc, clock ticks of 10 ms). Only live backends count: a pool's connections live
    /// through a measurement, while pgbench's (another database) end between them and would
    /// otherwise bring their whole lifetime into the window in which they are reaped.
    /// </summary>
    public TimeSpan ProcessorTime(string database)
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(_root, "data", "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        long ticks = 0;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out _))
            {
                continue;
            }

            string stat, title;
            try
            {
                stat = File.ReadAllText(Path.Combine(folder, "stat"));
                title = File.ReadAllText(Path.Combine(folder, "cmdline"));
            }
            catch (IOException)
            {
                continue; // The process ended meanwhile.
            }

            // Fields after the command name (which may hold spaces) start at field 3, state. A
            // backend's title is "postgres: user database host(port) activity".
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var words = title.Split(' ', 4);
            if (int.Parse(fields[1], CultureInfo.InvariantCulture) != postmaster || words is not ["postgres:", _, var named, ..] || named != database)
            {
                continue;
            }

            ticks += long.Parse(fields[14 - 3], CultureInfo.InvariantCulture) + long.Parse(fields[15 - 3], CultureInfo.InvariantCulture);
        }

        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    /// <summary>Runs one of the server's own programs (pgbench, psql) as the right user.</summary>
    public Task<string> RunToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(Path.Combine(_binDirectory, tool), arguments, _runAsPostgres, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        var data = Path.Combine(_root, "data");
        if (File.Exists(Path.Combine(data, "postmaster.pid")))
        {
            try
            {
                await RunToolAsync("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"], CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
                // Already stopped; the folder is removed all the same.
            }
        }

        // The postmaster may still be releasing files for a moment after pg_ctl returns.
        for (var attempt = 1; Directory.Exists(_root); attempt++)
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException) when (attempt < 20)
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task InitAndStartAsync(bool isDurable, CancellationToken cancellationToken)
    {
        var data = Path.Combine(_root, "data");
        string[] init = ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"];
        await RunToolAsync("initdb", isDurable ? init : [.. init, "--no-sync"], cancellationToken);
        var settings = $"-p {Port.ToString(CultureInfo.InvariantCulture)} -k {_root} -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=512MB";
        if (!isDurable)
        {
            settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        }

        await RunToolAsync("pg_ctl", ["-D", data, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60", "-o", settings, "start"], cancellationToken);
    }

    private static string FindBinDirectory()
    {
        const string installRoot = "/usr/lib/postgresql";
        var candidates = Directory.Exists(installRoot)
            ? Directory.GetDirectories(installRoot)
                .Select(d => (Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0, Bin: Path.Combine(d, "bin")))
                .Where(c => File.Exists(Path.Combine(c.Bin, "initdb")))
                .OrderByDescending(c => c.Version)
                .ToList()
            : [];
        return candidates.Count > 0
            ? candidates[0].Bin
            : throw new InvalidOperationException(
                "PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/initdb. Install the Debian 'postgresql' package (apt-get install postgresql).");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<string> RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            FileName = asPostgres ? "runuser" : program,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} exited with {process.ExitCode}: {await error}{await output}");
        }

        return await output + await error;
    }
}
