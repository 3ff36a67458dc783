using System.Globalization;
using System.Text;
using System.Text.Json;
using FhirMh.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FhirMh.Benchmarks;

/// <summary>
/// The search and ingest benchmark of issue #3. For each provider: a fresh database, the synthetic
/// dataset ingested through transaction Bundles up to each size in turn, and at each size the
/// searches of <see cref="SearchQueries"/> under wrk, in three rounds that each start with the
/// database's own ceiling (pgbench -S, or SQLite's prepared point reads).
/// </summary>
internal static class SearchBenchmark
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(30);

    // One request alone slower than this would leave wrk's runs with a handful of requests, or none.
    private static readonly TimeSpan SlowCheck = TimeSpan.FromSeconds(2);

    public static async Task RunAsync(SearchBenchOptions options, string repository, string serverDll)
    {
        foreach (var provider in options.Providers)
        {
            Console.WriteLine($"== search benchmark on {provider}");
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
                await RunProviderAsync(options, repository, serverDll, provider, postgres, sqliteFolder, connectionString);
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
    }

    private static async Task RunProviderAsync(
        SearchBenchOptions options, string repository, string serverDll, string provider, PostgresServer? postgres, string sqliteFolder, string connectionString)
    {
        var server = await ServerProcess.StartWarmAsync(serverDll, provider, connectionString, BenchEnvironment.CoreSettings, CancellationToken.None);
        HttpClient? http = null;
        try
        {
            var scripts = Path.Combine(AppContext.BaseDirectory, "Scripts");
            var searchScript = Path.Combine(scripts, "search.lua");
            var data = new SyntheticData(options.Seed, options.ObservationsPerPatient);
            http = NewClient(server.BaseUrl, options.IngestClients);
            var machine = BenchEnvironment.Machine(repository);
            var label = provider == "Postgres" ? "PostgreSQL" : "SQLite";

            Console.WriteLine("HTTP ceiling (/healthz)");
            await Wrk.RunAsync(server.BaseUrl + "/healthz", options.Connections, WarmUp, null, null, CancellationToken.None);
            var httpCeiling = await Wrk.RunAsync(server.BaseUrl + "/healthz", options.Connections, options.Duration, null, null, CancellationToken.None);

            // Organizations and Practitioners first; Patients refer to them by the ids the server gave them.
            var organizationIds = Ids(await TransactionIngest.PostForLocationsAsync(http, data.OrganizationsBundle()));
            var practitionerIds = new List<string>();
            foreach (var bundle in data.PractitionerBundles(SyntheticData.PractitionerCount(options.Patients[^1])))
            {
                practitionerIds.AddRange(Ids(await TransactionIngest.PostForLocationsAsync(http, bundle)));
            }

            var previous = 0;
            Dictionary<string, QueryFigures>? previousFigures = null;
            foreach (var size in options.Patients)
            {
                var load = BenchEnvironment.LoadAverage();
                Console.WriteLine($"generating Patients {previous:N0} to {size:N0}");
                var bundles = data.PatientBundles(previous, size, organizationIds, practitionerIds);
                var entries = (size - previous) * data.ResourcesPerPatient;
                Console.WriteLine($"ingesting {bundles.Count:N0} Bundles ({entries:N0} resources) with {options.IngestClients} senders");
                var ingest = await TransactionIngest.RunAsync(http, bundles, entries, options.IngestClients);
                bundles.Clear();
                Console.WriteLine($"{ingest.EntriesPerSecond:N0} resources/s; failed Bundles {ingest.FailedBundles} {ingest.FirstFailure}");
                if (ingest.FailedBundles == ingest.Bundles)
                {
                    throw new InvalidOperationException($"Every Bundle failed; the first: {ingest.FirstFailure}");
                }

                var writeCeiling = postgres is null
                    ? await SqliteCeilings.DurableCommitsPerSecondAsync(sqliteFolder, options.Duration)
                    : await BenchEnvironment.PgbenchAsync(postgres, ["-M", "prepared", "-c", "8", "-j", "1", "-T", BenchEnvironment.Seconds(options.Duration)]);
                var counts = await CountAsync(provider, connectionString);
                var expected = new Dictionary<string, long>
                {
                    ["Organization"] = organizationIds.Count,
                    ["Practitioner"] = practitionerIds.Count,
                    ["Patient"] = size,
                    // Each completed PHQ-9 response also yields its total score Observation.
                    ["Observation"] = (long)size * (options.ObservationsPerPatient + 1),
                    ["QuestionnaireResponse"] = size,
                };
                var dataset = string.Join(", ", expected.Keys.Select(t => $"{counts.GetValueOrDefault(t):N0} {t}s"));
                var countCheck = expected.All(e => counts.GetValueOrDefault(e.Key) == e.Value)
                    ? "counts after ingest match the generated data"
                    : $"COUNTS DIFFER from the generated data: expected {string.Join(", ", expected.Select(e => $"{e.Value:N0} {e.Key}"))}";

                var ingestSection = IngestSection(
                    $"Ingest, transaction Bundles ({label}), {BenchEnvironment.Date}, {previous:N0} → {size:N0} Patients",
                    $"{machine}; load average {load} at start; dataset after: {dataset}; client: {options.IngestClients} concurrent senders (HttpClient, keep-alive), " +
                    $"{Math.Max(1, 100 / data.ResourcesPerPatient) * data.ResourcesPerPatient} entries a Bundle (whole patients: Patient, {options.ObservationsPerPatient} Observations, 1 QuestionnaireResponse, urn:uuid references); one pass, each Bundle sent once",
                    postgres is null ? "SQLite durable commits/s (WAL, FULL)" : "pgbench TPC-B tps (-c8)",
                    ingest, writeCeiling, countCheck);

                var patientIds = await SamplePatientIdsAsync(provider, connectionString);
                var queries = SearchQueries.For(size, patientIds);
                var figures = await MeasureQueriesAsync(options, server.BaseUrl, searchScript, queries, postgres, connectionString, patientIds, http);
                var searchSection = SearchSection(
                    $"Search ({label}), {BenchEnvironment.Date}, {size:N0} Patients / {(long)size * options.ObservationsPerPatient:N0} Observations",
                    $"{machine}; load average {load} at the start of the step (other builds share the machine); dataset: {dataset}; " +
                    $"client: wrk -t1 -c{options.Connections}, random parameter values from the dataset, {options.Duration.TotalSeconds:0}s runs after a {WarmUp.TotalSeconds:0}s warm-up per query, 3 rounds",
                    postgres is null ? "SQLite prepared point reads/s" : "pgbench -S tps (-c2)",
                    figures, httpCeiling, previousFigures, previous);
                await BenchEnvironment.RecordAsync(repository, searchSection + ingestSection);

                if (options.IsExplaining && postgres is not null)
                {
                    await server.DisposeAsync();
                    server = await ExplainAsync(serverDll, connectionString, queries, size);

                    // The restarted server listens on a port of its own.
                    http.Dispose();
                    http = NewClient(server.BaseUrl, options.IngestClients);
                }

                previousFigures = figures.ToDictionary(f => f.Query.Name);
                previous = size;
            }
        }
        finally
        {
            http?.Dispose();
            await server.DisposeAsync();
        }
    }

    private static async Task<List<QueryFigures>> MeasureQueriesAsync(
        SearchBenchOptions options, string baseUrl, string script, List<SearchQuery> queries, PostgresServer? postgres,
        string connectionString, List<string> patientIds, HttpClient http)
    {
        var figures = new List<QueryFigures>();
        foreach (var query in queries)
        {
            var random = new Random(options.Seed);
            var paths = Enumerable.Range(0, 5000).Select(_ => query.NextPath(random)).ToList();
            var check = await CheckAsync(http, query, paths.Take(5).ToList());
            Console.WriteLine($"{query.Name}: {check.Status}");
            var file = Path.Combine(Path.GetTempPath(), "fhirmh-bench-paths-" + Guid.NewGuid().ToString("N")[..8] + ".txt");
            await File.WriteAllLinesAsync(file, paths);
            figures.Add(new QueryFigures(query, check, file, []));
        }

        foreach (var figure in figures.Where(f => f.Check.IsMeasured))
        {
            Console.WriteLine($"warm-up {figure.Query.Name}");
            await Wrk.RunAsync(baseUrl, options.Connections, WarmUp, script, new Dictionary<string, string> { ["BENCH_PATHS"] = figure.PathsFile }, CancellationToken.None);
        }

        for (var round = 0; round < 3; round++)
        {
            var ceiling = postgres is null
                ? await SqliteCeilings.PointReadsPerSecondAsync(connectionString, patientIds, options.Duration)
                : await BenchEnvironment.PgbenchAsync(postgres, ["-S", "-M", "prepared", "-c", "2", "-j", "1", "-T", BenchEnvironment.Seconds(options.Duration)]);
            foreach (var figure in figures.Where(f => f.Check.IsMeasured))
            {
                var result = await Wrk.RunAsync(baseUrl, options.Connections, options.Duration, script, new Dictionary<string, string> { ["BENCH_PATHS"] = figure.PathsFile }, CancellationToken.None);
                figure.Runs.Add((result, ceiling));
                Console.WriteLine($"round {round + 1} {figure.Query.Name}: {result.RequestsPerSecond:N0} req/s, p50 {result.P50Ms:0.00} ms, p95 {result.P95Ms:0.00} ms, non-2xx {result.Non2xx}");
            }
        }

        foreach (var figure in figures)
        {
            File.Delete(figure.PathsFile);
        }

        return figures;
    }

    /// <summary>
    /// Sends a few of the query's requests one at a time before any load: every one must answer 200
    /// with a searchset in reasonable time; otherwise the first failing (or very slow) request is
    /// reported and the query is not loaded.
    /// <c>$everything</c> is probed once, and reported as not implemented unless it answers 200.
    /// </summary>
    private static async Task<QueryCheck> CheckAsync(HttpClient http, SearchQuery query, List<string> paths)
    {
        var matches = 0L;
        var isEverything = query.Name == SearchQueries.Everything;
        foreach (var path in paths)
        {
            // A search that takes longer than this is reported as such, not loaded: wrk's own timeout is 10 s.
            using var timeout = new CancellationTokenSource(CheckTimeout);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            HttpResponseMessage response;
            string body;
            try
            {
                response = await http.GetAsync(path, timeout.Token);
                body = await response.Content.ReadAsStringAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return new QueryCheck(false, $"no answer within {CheckTimeout.TotalSeconds:0} s, so not loaded: GET {path}", 0);
            }

            using var answered = response;
            var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (response.IsSuccessStatusCode && seconds > SlowCheck.TotalSeconds)
            {
                return new QueryCheck(false, $"{seconds:0.0} s for one request alone, so not loaded: GET {path}", 0);
            }

            if (!response.IsSuccessStatusCode)
            {
                return isEverything && matches == 0
                    ? new QueryCheck(false, $"not implemented: GET {path} answered {(int)response.StatusCode}", 0)
                    : new QueryCheck(false, $"FAILED: GET {path} answered {(int)response.StatusCode}: {(body.Length > 600 ? body[..600] : body)}", 0);
            }

            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("entry", out var entry))
            {
                matches += entry.EnumerateArray().Count(e => isEverything
                    || !e.TryGetProperty("search", out var search) || search.GetProperty("mode").GetString() == "match");
            }
        }

        var perPage = (double)matches / paths.Count;
        return new QueryCheck(true, $"200, {perPage:0.#} matches a page on average", perPage);
    }

    internal static async Task<ServerProcess> ExplainAsync(string serverDll, string connectionString, List<SearchQuery> queries, int size)
    {
        // auto_explain in every new session of the server's database: the server is restarted so its
        // pool opens new sessions, and its SQL is logged with plans, timings and buffers.
        await ExecuteAsync(connectionString,
            "ALTER DATABASE fhir SET session_preload_libraries = 'auto_explain'; ALTER DATABASE fhir SET auto_explain.log_min_duration = 0; " +
            "ALTER DATABASE fhir SET auto_explain.log_analyze = on; ALTER DATABASE fhir SET auto_explain.log_buffers = on;");
        var log = Path.Combine(Path.GetDirectoryName(await ScalarAsync(connectionString, "SHOW data_directory"))!, "server.log");
        var plans = Path.Combine(Path.GetTempPath(), $"fhirmh-bench-plans-{size}.txt");
        var output = new StringBuilder();
        await using (var server = await ServerProcess.StartWarmAsync(serverDll, "Postgres", connectionString, BenchEnvironment.CoreSettings, CancellationToken.None))
        {
            using var http = NewClient(server.BaseUrl, 1);
            var random = new Random(7);
            foreach (var query in queries)
            {
                // The first request of a session is planned cold; the plan of the second is the one that matters.
                var path = query.NextPath(random);
                (await http.GetAsync(path)).Dispose();
                var offset = new FileInfo(log).Length;
                (await http.GetAsync(path)).Dispose();
                await Task.Delay(200);
                output.AppendLine(CultureInfo.InvariantCulture, $"===== {query.Name}: GET {path}");
                output.AppendLine(await ReadFromAsync(log, offset));
            }
        }

        await ExecuteAsync(connectionString, "ALTER DATABASE fhir RESET ALL;");
        await File.WriteAllTextAsync(plans, output.ToString());
        Console.WriteLine($"plans written to {plans}");
        return await ServerProcess.StartWarmAsync(serverDll, "Postgres", connectionString, BenchEnvironment.CoreSettings, CancellationToken.None);
    }

    private static async Task<string> ReadFromAsync(string file, long offset)
    {
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(offset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    private static string IngestSection(string title, string context, string ceilingName, IngestResult ingest, double ceiling, string countCheck)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"### {title}");
        text.AppendLine(context);
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"| Bundles | resources | seconds | resources/s | p50 ms a Bundle | p99 ms a Bundle | failed Bundles | {ceilingName} | ratio |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {ingest.Bundles:N0} | {ingest.Entries:N0} | {ingest.Elapsed.TotalSeconds:0.0} | {ingest.EntriesPerSecond:N0} | {ingest.P50Ms:0} | {ingest.P99Ms:0} | {ingest.FailedBundles} | {ceiling:N0} | {ingest.EntriesPerSecond / ceiling:0.00} |");
        text.AppendLine();
        var failure = ingest.FirstFailure is { } first ? $"; first failure: {first}" : string.Empty;
        text.AppendLine(CultureInfo.InvariantCulture,
            $"goal ≥ 3,000 resources/s: {(ingest.EntriesPerSecond >= 3000 ? "met" : "missed")}; {countCheck}{failure}");
        text.AppendLine();
        return text.ToString();
    }

    private static string SearchSection(
        string title, string context, string ceilingName, List<QueryFigures> figures, WrkResult http,
        Dictionary<string, QueryFigures>? previous, int previousSize)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"### {title}");
        text.AppendLine(context);
        text.AppendLine();
        var growth = previous is null ? string.Empty : $" p50 ms at {previousSize:N0} Patients |";
        text.AppendLine(CultureInfo.InvariantCulture, $"| query | matches a page | req/s, runs 1/2/3 | req/s | p50 ms | p95 ms | p99 ms | non-2xx |{growth} ratio to {ceilingName} | goal |");
        text.AppendLine(CultureInfo.InvariantCulture, $"|---|---|---|---|---|---|---|---|{(previous is null ? string.Empty : "---|")}---|---|");
        foreach (var figure in figures)
        {
            if (!figure.Check.IsMeasured)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| `{Cell(figure.Query.Name)}` | {Cell(figure.Check.Status)} | | | | | | |{(previous is null ? string.Empty : " |")} | {figure.Query.Goal} |");
                continue;
            }

            // A run in which no request completed has no latency to report (wrk prints zeros).
            var runs = figure.Runs.Where(r => r.Result.Requests > 0).ToList();
            var p50 = Median(runs.Select(r => r.Result.P50Ms));
            var goal = figure.Query.GoalP50Ms is { } g ? $"{figure.Query.Goal}: {(p50 <= g ? "met" : "missed")} here" : figure.Query.Goal;
            var errors = string.Join("; ", figure.Runs.Select(r => r.Result.SocketErrors).OfType<string>());
            if (runs.Count < figure.Runs.Count)
            {
                errors = $"{figure.Runs.Count - runs.Count} of 3 runs completed no request within the run; " + errors;
            }
            var before = previous is null ? string.Empty
                : previous.TryGetValue(figure.Query.Name, out var old) && old.Runs.Count > 0 ? $" {Median(old.Runs.Select(r => r.Result.P50Ms)):0.00} |" : " |";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| `{Cell(figure.Query.Name)}` | {figure.Check.MatchesPerPage:0.#} | {string.Join(" / ", runs.Select(r => r.Result.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture)))} | " +
                $"{Median(figure.Runs.Select(r => r.Result.RequestsPerSecond)):N0} | {p50:0.00} | {Median(runs.Select(r => r.Result.P95Ms ?? double.NaN)):0.00} | " +
                $"{Median(runs.Select(r => r.Result.P99Ms)):0.00} | {figure.Runs.Sum(r => r.Result.Non2xx)}{(errors.Length > 0 ? $" ({errors})" : string.Empty)} |{before} {Median(figure.Runs.Select(r => r.Result.RequestsPerSecond / r.Ceiling)):0.000} | {goal} |");
        }

        var ceilings = figures.FirstOrDefault(f => f.Runs.Count > 0)?.Runs.Select(r => r.Ceiling.ToString("N0", CultureInfo.InvariantCulture)) ?? [];
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Each figure is the median of the 3 runs. {ceilingName}, rounds 1/2/3: {string.Join(" / ", ceilings)}; " +
            $"HTTP ceiling (GET /healthz, same wrk command) {http.RequestsPerSecond:N0} req/s, p50 {http.P50Ms:0.00} ms.");
        text.AppendLine();
        return text.ToString();
    }

    /// <summary>A pipe inside a table cell, even in a code span, ends the cell unless escaped (GitHub Flavored Markdown).</summary>
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }

    private static List<string> Ids(IEnumerable<string> locations) => [.. locations.Select(l => l.Split('/')[1])];

    private static HttpClient NewClient(string baseUrl, int connections)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        var client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Accept.ParseAdd("application/fhir+json");
        return client;
    }

    private static async Task<Dictionary<string, long>> CountAsync(string provider, string connectionString)
    {
        await using var connection = await BenchEnvironment.OpenAsync(provider, connectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT resource_type, COUNT(*) FROM resources WHERE is_current AND NOT is_deleted GROUP BY resource_type";
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>();
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
        }

        return counts;
    }

    private static async Task<List<string>> SamplePatientIdsAsync(string provider, string connectionString)
    {
        await using var connection = await BenchEnvironment.OpenAsync(provider, connectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT resource_id FROM resources WHERE resource_type = 'Patient' AND is_current ORDER BY random() LIMIT 5000";
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
