using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using FhirMh.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FhirMh.Benchmarks;

/// <summary>What every workload needs around it: the repository, the machine, the ceilings and docs/benchmarks.md.</summary>
internal static class BenchEnvironment
{
    /// <summary>
    /// The settings of the benchmarks of the FHIR core (CRUD, search, questionnaires): the client
    /// registry off, so their Patients are plain resources as in the figures recorded before it
    /// existed. `./bench registry` measures the registry.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> CoreSettings = new Dictionary<string, string> { ["ClientRegistry:Enabled"] = "false" };

    public static string Date => DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string ServerDll(string repository)
    {
        var serverDll = Path.Combine(repository, "src/FhirServer/bin/Release/net10.0/FhirMh.FhirServer.dll");
        return File.Exists(serverDll)
            ? serverDll
            : throw new InvalidOperationException($"Build the server first: dotnet build -c Release src/FhirServer ({serverDll} is missing).");
    }

    public static string Machine(string repository) => $"machine: {Environment.ProcessorCount} vCPU, {MemoryGiB()} GiB; commit {Commit(repository)}";

    /// <summary>Load average over the last minute, read when a run starts: the machine is shared.</summary>
    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    /// <summary>Inserts the sections above the newest section already recorded (newest first).</summary>
    public static async Task RecordAsync(string repository, string sections)
    {
        Console.WriteLine(sections);
        var benchmarks = Path.Combine(repository, "docs/benchmarks.md");
        var existingText = File.Exists(benchmarks)
            ? await File.ReadAllTextAsync(benchmarks)
            : "# FhirMh benchmarks\n\nNewest first. Taken with `./bench` (tests/Benchmarks); method in the README and BENCHMARKING.md.\n\n";
        var marker = existingText.IndexOf("\n### ", StringComparison.Ordinal);
        var updated = marker < 0 ? existingText + sections : existingText[..(marker + 1)] + sections + existingText[(marker + 1)..];
        await File.WriteAllTextAsync(benchmarks, updated);
        Console.WriteLine($"written to {benchmarks}");
    }

    public static async Task<double> PgbenchAsync(PostgresServer postgres, string[] arguments)
    {
        var output = await postgres.RunToolAsync("pgbench", [.. arguments, "-h", "127.0.0.1", "-p", Port(postgres), "-U", "postgres", "bench"], CancellationToken.None);
        var line = output.Split('\n').First(l => l.StartsWith("tps = ", StringComparison.Ordinal));
        return double.Parse(line["tps = ".Length..].Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>A PostgreSQL database "fhir" for the server and "bench" initialised for pgbench.</summary>
    public static async Task PrepareDatabasesAsync(PostgresServer postgres)
    {
        await postgres.CreateDatabaseAsync("fhir", CancellationToken.None);
        await postgres.CreateDatabaseAsync("bench", CancellationToken.None);
        await postgres.RunToolAsync("pgbench", ["-i", "-q", "-s", "10", "-h", "127.0.0.1", "-p", Port(postgres), "-U", "postgres", "bench"], CancellationToken.None);
    }

    public static async Task<DbConnection> OpenAsync(string provider, string connectionString)
    {
        DbConnection connection = provider == "Postgres" ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    public static string Port(PostgresServer postgres) => postgres.Port.ToString(CultureInfo.InvariantCulture);

    public static string Seconds(TimeSpan duration) => ((int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    public static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "FhirMh.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmark from inside the FhirMh repository.");
    }

    private static long MemoryGiB()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var kib = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return kib / 1024 / 1024;
    }

    private static string Commit(string repository)
    {
        var start = new ProcessStartInfo("git", "rev-parse --short HEAD") { WorkingDirectory = repository, RedirectStandardOutput = true };
        using var git = Process.Start(start)!;
        var commit = git.StandardOutput.ReadToEnd().Trim();
        git.WaitForExit();
        return commit;
    }
}
