using System.Globalization;
using System.Text;
using FhirMh.Benchmarks;
using FhirMh.Benchmarks.ProviderDirectory;
using FhirMh.Benchmarks.Registry;
using FhirMh.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

// Two workloads, each next to the ceilings measured in the same run (see BENCHMARKING.md):
// `./bench [options]`, durable creates (16 clients) and read-by-id (32 clients) with wrk;
// `./bench search [options]`, transaction-Bundle ingest of synthetic data and the searches of issue #3;
// `./bench validation`, validation cost per resource and start-up time (issue #4);
// `./bench security [--patients 20000] [--seconds 15] [--consents 10]`, read and search throughput with
//   security, consent and audit on versus off, on PostgreSQL (issue #8, SecurityBenchmark);
// `./bench questionnaires [--seconds N]`, completed PHQ-9 submissions on PostgreSQL (issue #5);
// `./bench registry [--datasets febrl4,febrl3,febrl4-sparse,febrl3-sparse,synthetic|none] [--people 10000]
//   [--scale 100000|0] [--seconds 15] [--clients 16] [--seed N] [--dry-run]`, the client registry: linkage
//   accuracy (rules estimated on even person keys, measured on odd ones), then registrations/s and $match
//   latency with --scale golden records; --dry-run only parses and maps the datasets (RegistryBenchmark).
// `./bench directory [--practitioners 50000] [--roles 100000] [--locations 10000] [--services 20000] [--organizations 5000]
//   [--seconds 15] [--connections 4] [--loaders 4] [--bundle 500] [--seed N] [--dry-run] [--skip-failing]`, the provider
//   directory (IHE mCSD) on PostgreSQL: load, geographic and referral searches, change feed (tests/Benchmarks/ProviderDirectory).
var repository = BenchEnvironment.FindRepositoryRoot();
if (args is ["directory", .. var directoryArguments])
{
    try
    {
        await DirectoryBenchmark.RunAsync(DirectoryBenchOptions.Parse(directoryArguments), repository, () => BenchEnvironment.ServerDll(repository), CancellationToken.None);
    }
    catch (DirectoryContractException e)
    {
        await Console.Error.WriteLineAsync($"directory benchmark stopped: {e.Message}");
        Environment.ExitCode = 2;
    }

    return;
}

if (args is ["registry", .. var registryArguments])
{
    try
    {
        await RegistryBenchmark.RunAsync(RegistryBenchOptions.Parse(registryArguments), repository, () => BenchEnvironment.ServerDll(repository), CancellationToken.None);
    }
    catch (RegistryContractException e)
    {
        await Console.Error.WriteLineAsync($"registry benchmark stopped: {e.Message}");
        Environment.ExitCode = 2;
    }

    return;
}

var serverDll = BenchEnvironment.ServerDll(repository);
if (args is ["questionnaires", .. var questionnaireArguments])
{
    var seconds = questionnaireArguments is ["--seconds", var value] ? int.Parse(value, CultureInfo.InvariantCulture) : 10;
    await QuestionnaireBenchmark.RunAsync(repository, serverDll, TimeSpan.FromSeconds(seconds));
    return;
}

if (args is ["subscriptions", .. var subscriptionArguments])
{
    var seconds = subscriptionArguments is ["--seconds", var value] ? int.Parse(value, CultureInfo.InvariantCulture) : 10;
    await SubscriptionBenchmark.RunAsync(repository, serverDll, TimeSpan.FromSeconds(seconds));
    return;
}

if (args is ["security", .. var securityArguments])
{
    await SecurityBenchmark.RunAsync(securityArguments, repository, serverDll);
    return;
}

if (args is ["validation"])
{
    await ValidationBenchmark.RunAsync(repository, serverDll);
    return;
}

if (args is ["search", .. var searchArguments])
{
    await SearchBenchmark.RunAsync(SearchBenchOptions.Parse(searchArguments), repository, serverDll);
    return;
}

var options = BenchOptions.Parse(args);

var scripts = Path.Combine(AppContext.BaseDirectory, "Scripts");
var report = new StringBuilder();

var machine = BenchEnvironment.Machine(repository);
var warmUp = TimeSpan.FromSeconds(15); // tiered JIT settles within it; shorter warm-ups under-report
string Context(long patients, string client) =>
    $"{machine}{(options.PoolSize is { } pool ? $"; server pool {pool} connections" : string.Empty)}; dataset: {patients:N0} Patients (~1 KB each); {client}, {options.Duration.TotalSeconds:0}s runs after a {warmUp.TotalSeconds:0}s warm-up";
var date = BenchEnvironment.Date;

foreach (var provider in options.Providers)
{
    Console.WriteLine($"== {provider}");
    await using var postgres = provider == "Postgres" ? await PostgresServer.StartAsync(isDurable: true, CancellationToken.None) : null;
    var sqliteFolder = Path.Combine(Path.GetTempPath(), "fhirmh-bench-" + Guid.NewGuid().ToString("N")[..8]);
    string connectionString;
    if (postgres is not null)
    {
        await BenchEnvironment.PrepareDatabasesAsync(postgres);
        connectionString = postgres.ConnectionString("fhir");
        if (options.PoolSize is { } pool)
        {
            connectionString = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = pool }.ConnectionString;
        }
    }
    else
    {
        Directory.CreateDirectory(sqliteFolder);
        connectionString = $"Data Source={Path.Combine(sqliteFolder, "fhirmh.db")}";
    }

    try
    {
        await using var server = await ServerProcess.StartWarmAsync(serverDll, provider, connectionString, BenchEnvironment.CoreSettings, CancellationToken.None);
        var createScript = Path.Combine(scripts, "create.lua");
        var readScript = Path.Combine(scripts, "read.lua");

        Console.WriteLine("HTTP ceiling (/healthz)");
        await Wrk.RunAsync(server.BaseUrl + "/healthz", 32, warmUp, null, null, CancellationToken.None);
        var ceiling = await Wrk.RunAsync(server.BaseUrl + "/healthz", 32, options.Duration, null, null, CancellationToken.None);

        Console.WriteLine("create");
        await Wrk.RunAsync(server.BaseUrl, 16, warmUp, createScript, null, CancellationToken.None);
        var creates = new List<(WrkResult Result, double Ceiling)>();
        for (var run = 0; run < 3; run++)
        {
            var tpcb = postgres is null
                ? await SqliteCeilings.DurableCommitsPerSecondAsync(sqliteFolder, options.Duration)
                : await BenchEnvironment.PgbenchAsync(postgres, ["-M", "prepared", "-c", "8", "-j", "1", "-T", BenchEnvironment.Seconds(options.Duration)]);
            creates.Add((await Wrk.RunAsync(server.BaseUrl, 16, options.Duration, createScript, null, CancellationToken.None), tpcb));
        }

        // Top up to the dataset size with timed wrk runs sized from the create rate just measured.
        var rate = creates.Max(c => c.Result.RequestsPerSecond);
        for (var existing = await CountPatientsAsync(provider, connectionString); existing < options.Patients;
             existing = await CountPatientsAsync(provider, connectionString))
        {
            var seconds = Math.Max(2, (int)Math.Ceiling((options.Patients - existing) / rate * 1.1));
            Console.WriteLine($"seeding {options.Patients - existing:N0} more Patients (~{seconds}s)");
            await Wrk.RunAsync(server.BaseUrl, 16, TimeSpan.FromSeconds(seconds), createScript, null, CancellationToken.None);
        }

        var ids = await WritePatientIdsAsync(provider, connectionString);
        var patients = File.ReadLines(ids).LongCount();
        Console.WriteLine($"read by id over {patients:N0} Patients");
        var readEnvironment = new Dictionary<string, string> { ["BENCH_IDS"] = ids };
        await Wrk.RunAsync(server.BaseUrl, 32, warmUp, readScript, readEnvironment, CancellationToken.None);
        var reads = new List<(WrkResult Result, double Ceiling)>();
        var idList = postgres is null ? File.ReadAllLines(ids) : [];
        for (var run = 0; run < 3; run++)
        {
            var selectOnly = postgres is null
                ? await SqliteCeilings.PointReadsPerSecondAsync(connectionString, idList, options.Duration)
                : await BenchEnvironment.PgbenchAsync(postgres, ["-S", "-M", "prepared", "-c", "2", "-j", "1", "-T", BenchEnvironment.Seconds(options.Duration)]);
            reads.Add((await Wrk.RunAsync(server.BaseUrl, 32, options.Duration, readScript, readEnvironment, CancellationToken.None), selectOnly));
        }

        report.Append(Section($"Read by id ({provider}), {date}", Context(patients, "wrk -t1 -c32 GET /fhir/Patient/{random id}"),
            postgres is null ? "SQLite prepared point reads/s (2 threads)" : "pgbench -S tps", reads, ceiling, goalRps: 20_000, goalP99: 5, goalRatio: 0.30));
        report.Append(Section($"Create, durable ({provider}), {date}", Context(patients, "wrk -t1 -c16 POST /fhir/Patient"),
            postgres is null ? "SQLite durable commits/s (WAL, FULL)" : "pgbench TPC-B tps", creates, ceiling, goalRps: 2_000, goalP99: 50, goalRatio: null));
        File.Delete(ids);
        await BenchEnvironment.RecordAsync(repository, report.ToString());
        report.Clear();
    }
    finally
    {
        if (Directory.Exists(sqliteFolder))
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(sqliteFolder, recursive: true);
        }
    }
}

static string Section(string title, string context, string ceilingName, List<(WrkResult Result, double Ceiling)> runs, WrkResult http, double goalRps, double goalP99, double? goalRatio)
{
    var text = new StringBuilder();
    text.AppendLine(CultureInfo.InvariantCulture, $"### {title}");
    text.AppendLine(context);
    text.AppendLine();
    text.AppendLine(CultureInfo.InvariantCulture, $"| run | requests | req/s | p50 ms | p99 ms | non-2xx | socket errors | {ceilingName} | ratio |");
    text.AppendLine("|---|---|---|---|---|---|---|---|---|");
    var ratios = new List<double>();
    for (var i = 0; i < runs.Count; i++)
    {
        var (result, ceiling) = runs[i];
        var ratio = result.RequestsPerSecond / ceiling;
        ratios.Add(ratio);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {i + 1} | {result.Requests:N0} | {result.RequestsPerSecond:N0} | {result.P50Ms:0.00} | {result.P99Ms:0.00} | {result.Non2xx} | {result.SocketErrors ?? "none"} | {ceiling:N0} | {ratio:0.00} |");
    }

    var median = runs.OrderBy(r => r.Result.RequestsPerSecond).ElementAt(runs.Count / 2).Result;
    var medianRatio = ratios.Order().ElementAt(ratios.Count / 2);
    text.AppendLine();
    text.AppendLine(CultureInfo.InvariantCulture,
        $"median: {median.RequestsPerSecond:N0} req/s (goal ≥ {goalRps:N0}), p50 {median.P50Ms:0.00} ms, p99 {median.P99Ms:0.00} ms (goal ≤ {goalP99} ms); " +
        $"median ratio {medianRatio:0.00}{(goalRatio is { } g ? $" (goal {g:0.00})" : string.Empty)}; " +
        $"HTTP ceiling (GET /healthz, same wrk command) {http.RequestsPerSecond:N0} req/s");
    text.AppendLine();
    return text.ToString();
}

static async Task<long> CountPatientsAsync(string provider, string connectionString)
{
    await using var connection = await BenchEnvironment.OpenAsync(provider, connectionString);
    await using var command = connection.CreateCommand();
    command.CommandText = "SELECT COUNT(*) FROM resources WHERE resource_type = 'Patient' AND is_current";
    return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
}

static async Task<string> WritePatientIdsAsync(string provider, string connectionString)
{
    var file = Path.Combine(Path.GetTempPath(), "fhirmh-bench-ids-" + Guid.NewGuid().ToString("N")[..8] + ".txt");
    await using var writer = new StreamWriter(file);
    await using var connection = await BenchEnvironment.OpenAsync(provider, connectionString);
    await using var command = connection.CreateCommand();
    command.CommandText = "SELECT resource_id FROM resources WHERE resource_type = 'Patient' AND is_current";
    await using var reader = await command.ExecuteReaderAsync();
    while (await reader.ReadAsync())
    {
        await writer.WriteLineAsync(reader.GetString(0));
    }

    return file;
}
