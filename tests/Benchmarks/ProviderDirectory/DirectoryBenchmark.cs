using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FhirMh.Testing;
using Npgsql;

namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>
/// <c>./bench directory</c>: the provider directory (IHE mCSD) on PostgreSQL. A synthetic national
/// directory (<see cref="NationalDirectory"/>) is loaded through transaction Bundles by concurrent
/// loaders; every search of <see cref="DirectoryQueries"/> is checked once against what the
/// generated directory says it should match, then measured with wrk over points that change with
/// every request, in three rounds that each start with pgbench -S; last, the change feed
/// (<c>_history</c> with <c>_since</c>) is read to its end, alone and with writers updating roles.
/// </summary>
internal static class DirectoryBenchmark
{
    private const int CheckedPoints = 5;
    private const int WriterCount = 2;
    private const double UpdatesPerSecond = 5;
    private const int FeedPageSize = 500;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);

    /// <summary>The core settings, and opening hours read as wall-clock times of the country's zone (<c>open-at</c> without an offset too).</summary>
    private static Dictionary<string, string> ServerSettings(DirectoryBenchOptions options) =>
        new(BenchEnvironment.CoreSettings)
        {
            ["Search:TimeZone"] = NationalDirectory.TimeZone,
            ["ProviderRegistry:Enabled"] = options.IsCurating ? "true" : "false",
        };

    // wrk gives up on a request after 10 s; a search slower than that alone cannot be measured.
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(10);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <exception cref="DirectoryContractException">A search or the feed did not answer as required.</exception>
    public static async Task RunAsync(DirectoryBenchOptions options, string repository, Func<string> serverDll, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var dataset = NationalDirectory.Generate(options.Size, options.Seed);
        var queries = DirectoryQueries.For(dataset);
        var points = DirectoryQueries.Points(options.Seed, 5_000);
        Console.WriteLine($"generated {dataset.Size.Total:N0} resources in {clock.Elapsed.TotalSeconds:0.0} s: {Describe(dataset)}");
        if (options.IsDryRun)
        {
            DryRun(dataset, queries, points, options);
            return;
        }

        var dll = serverDll();
        var loadAverage = BenchEnvironment.LoadAverage();

        // The commit now, as built: commits made while the run goes on are not in it.
        var machine = BenchEnvironment.Machine(repository);
        await using var postgres = await PostgresServer.StartAsync(isDurable: true, cancellationToken);
        await BenchEnvironment.PrepareDatabasesAsync(postgres);
        var connectionString = postgres.ConnectionString("fhir");
        List<DirectoryFigures> figures;
        await using (var server = await ServerProcess.StartWarmAsync(dll, "Postgres", connectionString, ServerSettings(options), cancellationToken))
        {
            figures = await MeasureAsync(options, repository, machine, dataset, queries, points, loadAverage, postgres, connectionString, server, cancellationToken);
        }

        if (options.IsExplaining)
        {
            // After the figures are recorded: plans of the targeted searches at this size, from auto_explain.
            var explained = figures.Where(f => f.Check.IsMeasured && f.Query.TargetP95Ms is not null)
                .Select(f => new SearchQuery(f.Query.Name, r => f.Query.Path(points[r.Next(points.Count)]), string.Empty, null)).ToList();
            await using var restarted = await SearchBenchmark.ExplainAsync(dll, connectionString, explained, dataset.Size.Total);
        }

        if (figures.Count(f => !f.Check.IsMeasured) is > 0 and var failed)
        {
            throw new DirectoryContractException($"{failed} searches failed their check and were recorded as failed.");
        }
    }

    /// <summary>Load, searches and feed against one server; the figures are recorded before it returns.</summary>
    private static async Task<List<DirectoryFigures>> MeasureAsync(
        DirectoryBenchOptions options, string repository, string machine, DirectoryDataset dataset, List<DirectoryQuery> queries, List<QueryPoint> points,
        string loadAverage, PostgresServer postgres, string connectionString, ServerProcess server, CancellationToken cancellationToken)
    {
        using var http = NewClient(server.BaseUrl, Math.Max(options.Loaders, WriterCount + 1));

        Console.WriteLine("HTTP ceiling (/healthz)");
        await Wrk.RunAsync(server.BaseUrl + "/healthz", options.Connections, WarmUp, null, null, cancellationToken);
        var httpCeiling = await Wrk.RunAsync(server.BaseUrl + "/healthz", options.Connections, options.Duration, null, null, cancellationToken);

        // Load: one pass, each Bundle once, phase after phase; the feed is read from just before it.
        var phases = DirectoryJson.LoadPhases(dataset, options.EntriesPerBundle);
        var tpcb = await BenchEnvironment.PgbenchAsync(postgres, ["-M", "prepared", "-c", "8", "-j", "1", "-T", BenchEnvironment.Seconds(options.Duration)]);
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var loads = new List<(LoadPhase Phase, IngestResult Result, int Retries, int Loaders)>();
        foreach (var phase in phases)
        {
            // Concurrent Bundles of deduplicated types collide on the registry's duplicate keys (409), and
            // a retried one has been seen to fail with 500: those types are loaded by one loader.
            var loaders = phase.IsDeduplicated && options.IsCurating ? 1 : options.Loaders;
            Console.WriteLine($"loading {phase.Name}: {phase.Bundles.Count:N0} Bundles ({phase.Resources:N0} resources) with {loaders} loaders");
            var (result, retries) = await DirectoryLoader.RunAsync(http, phase.Bundles, phase.Resources, loaders);
            Console.WriteLine($"  {result.EntriesPerSecond:N0} resources/s; {retries} retries; failed Bundles {result.FailedBundles} {result.FirstFailure}");
            if (result.FailedBundles == result.Bundles)
            {
                throw new DirectoryContractException($"Every Bundle of {phase.Name} failed; the first: {result.FirstFailure}");
            }

            loads.Add((phase, result, retries, loaders));
        }

        phases.Clear();
        var countCheck = await CountCheckAsync(connectionString, dataset.Size);
        Console.WriteLine(countCheck);

        var figures = new List<DirectoryFigures>();
        foreach (var query in queries)
        {
            var check = await CheckAsync(http, query, dataset, points.Take(CheckedPoints).ToList(), cancellationToken);
            Console.WriteLine($"{query.Name}: {check.Status}; {check.Agreement}");
            var file = Path.Combine(Path.GetTempPath(), "fhirmh-bench-directory-" + Guid.NewGuid().ToString("N")[..8] + ".txt");
            await File.WriteAllLinesAsync(file, points.Select(query.Path), cancellationToken);
            figures.Add(new DirectoryFigures(query, check, file, []));
        }

        try
        {
            var failed = figures.Where(f => !f.Check.IsMeasured).ToList();
            if (failed.Count > 0 && !options.IsSkippingFailing)
            {
                throw new DirectoryContractException(
                    $"{failed.Count} of {figures.Count} searches failed their check, so nothing was measured (--skip-failing measures the others):\n" +
                    string.Join('\n', failed.Select(f => $"  {f.Query.Name}: {f.Check.Status}")));
            }

            var selectOnly = await MeasureQueriesAsync(options, server.BaseUrl, postgres, figures, cancellationToken);
            var feeds = await ReadFeedsAsync(http, dataset, since, options.Seed, cancellationToken);
            var section = Section(options, machine, dataset, loadAverage, loads, tpcb, countCheck, figures, selectOnly, feeds, httpCeiling);
            await BenchEnvironment.RecordAsync(repository, section);
            return figures;
        }
        finally
        {
            foreach (var figure in figures)
            {
                File.Delete(figure.PathsFile);
            }
        }
    }

    private static async Task<List<double>> MeasureQueriesAsync(
        DirectoryBenchOptions options, string baseUrl, PostgresServer postgres, List<DirectoryFigures> figures, CancellationToken cancellationToken)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Scripts", "search.lua");
        var measured = figures.Where(f => f.Check.IsMeasured).ToList();
        foreach (var figure in measured)
        {
            Console.WriteLine($"warm-up {figure.Query.Name}");
            await Wrk.RunAsync(baseUrl, options.Connections, WarmUp, script, Environment(figure), cancellationToken);
        }

        var ceilings = new List<double>();
        for (var round = 0; round < 3; round++)
        {
            var ceiling = await BenchEnvironment.PgbenchAsync(postgres, ["-S", "-M", "prepared", "-c", "2", "-j", "1", "-T", BenchEnvironment.Seconds(options.Duration)]);
            ceilings.Add(ceiling);
            foreach (var figure in measured)
            {
                var result = await Wrk.RunAsync(baseUrl, options.Connections, options.Duration, script, Environment(figure), cancellationToken);
                figure.Runs.Add((result, ceiling));
                Console.WriteLine($"round {round + 1} {figure.Query.Name}: {result.RequestsPerSecond:N0} req/s, p50 {result.P50Ms:0.00} ms, p95 {result.P95Ms:0.00} ms, non-2xx {result.Non2xx}");
            }
        }

        // One request at a time: the search's own latency, apart from waiting behind the others.
        foreach (var figure in measured.Where(f => f.Query.TargetP95Ms is not null))
        {
            figure.Alone = await Wrk.RunAsync(baseUrl, 1, options.Duration, script, Environment(figure), cancellationToken);
            Console.WriteLine($"one connection {figure.Query.Name}: {figure.Alone.RequestsPerSecond:N0} req/s, p50 {figure.Alone.P50Ms:0.00} ms, p95 {figure.Alone.P95Ms:0.00} ms");
        }

        return ceilings;

        static Dictionary<string, string> Environment(DirectoryFigures figure) => new() { ["BENCH_PATHS"] = figure.PathsFile };
    }

    /// <summary>The type-level and system-level feeds since the load began, alone and then with writers updating roles.</summary>
    private static async Task<List<(FeedResult Feed, WriterResult? Writers)>> ReadFeedsAsync(
        HttpClient http, DirectoryDataset dataset, string since, int seed, CancellationToken cancellationToken)
    {
        var query = $"?_since={Uri.EscapeDataString(since)}&_count={FeedPageSize}";
        (string Name, string Path)[] feeds =
        [
            ("PractitionerRole/_history", "/fhir/PractitionerRole/_history" + query),
            ("_history (system)", "/fhir/_history" + query),
        ];
        var results = new List<(FeedResult, WriterResult?)>();
        foreach (var (name, path) in feeds)
        {
            Console.WriteLine($"feed {name}");
            var feed = await ChangeFeed.ReadAsync(http, name, path, cancellationToken);
            Console.WriteLine($"  {feed.Entries:N0} entries in {feed.Pages} pages, {feed.EntriesPerSecond:N0}/s");
            results.Add((feed, null));
        }

        foreach (var (name, path) in feeds)
        {
            Console.WriteLine($"feed {name} with {WriterCount} writers at {UpdatesPerSecond} updates/s");
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var writing = ChangeFeed.WriteAsync(http, dataset, WriterCount, UpdatesPerSecond, seed, stop.Token);
            FeedResult feed;
            try
            {
                feed = await ChangeFeed.ReadAsync(http, name, path, cancellationToken);
            }
            finally
            {
                await stop.CancelAsync();
            }

            var writers = await writing;
            Console.WriteLine($"  {feed.Entries:N0} entries in {feed.Pages} pages, {feed.EntriesPerSecond:N0}/s; {writers.Updates} updates, {writers.Failures} failed {writers.FirstFailure}");
            results.Add((feed, writers));
        }

        return results;
    }

    /// <summary>
    /// Sends the query for a few points, one request at a time: each must answer 200 with a
    /// searchset that reports no parameter as unused; its matches are compared with the generated
    /// directory's (total through <c>_total=accurate</c>, order by distance where asked).
    /// </summary>
    private static async Task<DirectoryCheck> CheckAsync(
        HttpClient http, DirectoryQuery query, DirectoryDataset dataset, List<QueryPoint> points, CancellationToken cancellationToken)
    {
        var matches = 0;
        var serverTotal = 0L;
        var expectedTotal = 0L;
        var slowest = 0.0;
        var disagreements = new List<string>();
        foreach (var point in points)
        {
            var path = query.Path(point);
            var expected = query.Expected(point);
            expectedTotal += expected.Count;
            var (answer, seconds, failure) = await GetAsync(http, path, cancellationToken);
            slowest = Math.Max(slowest, seconds);
            if (failure is not null)
            {
                return Failed(failure);
            }

            using (answer)
            {
                var root = answer!.RootElement;
                if (Unused(root) is { } unused)
                {
                    return Failed($"FAILED: GET {path} left parameters unused: {unused}");
                }

                var ids = MatchIds(root);
                matches += ids.Count;
                var expectedSet = expected.ToHashSet(StringComparer.Ordinal);
                var stray = ids.Where(id => !expectedSet.Contains(id)).ToList();
                if (stray.Count > 0)
                {
                    disagreements.Add($"{stray.Count} matches the directory does not expect (e.g. {stray[0]}) at {Point(point)}");
                }

                if (query.IsOrderedByDistance && !IsOrderedByDistance(ids, dataset, point))
                {
                    disagreements.Add($"not ordered by distance at {Point(point)}");
                }
            }

            var (counted, _, countFailure) = await GetAsync(http, path + "&_count=0&_total=accurate", cancellationToken);
            using (counted)
            {
                if (countFailure is not null || !counted!.RootElement.TryGetProperty("total", out var total))
                {
                    disagreements.Add($"no total (_total=accurate): {countFailure ?? "the Bundle has none"}");
                    continue;
                }

                serverTotal += total.GetInt64();
                if (total.GetInt64() != expected.Count)
                {
                    disagreements.Add($"total {total.GetInt64()} where the directory has {expected.Count} at {Point(point)}");
                }
            }
        }

        var agreement = disagreements.Count == 0
            ? $"matches agree with the directory at all {points.Count} points"
            : $"DIFFERS from the directory: {string.Join("; ", disagreements.Take(3))}{(disagreements.Count > 3 ? $" (+{disagreements.Count - 3} more)" : string.Empty)}";
        return new DirectoryCheck(true, $"200 at {points.Count} points, slowest {slowest * 1000:0} ms", (double)matches / points.Count,
            (double)serverTotal / points.Count, (double)expectedTotal / points.Count, agreement);

        static DirectoryCheck Failed(string status) => new(false, status, 0, 0, 0, string.Empty);
    }

    private static async Task<(JsonDocument? Answer, double Seconds, string? Failure)> GetAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CheckTimeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.GetAsync(path, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            return response.IsSuccessStatusCode
                ? (JsonDocument.Parse(body), seconds, null)
                : (null, seconds, $"FAILED: GET {path} answered {(int)response.StatusCode}: {(body.Length > 600 ? body[..600] : body)}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, CheckTimeout.TotalSeconds, $"FAILED: GET {path} gave no answer within {CheckTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>The diagnostics of an OperationOutcome in the searchset that says a parameter was not used (search.html#errors).</summary>
    private static string? Unused(JsonElement bundle)
    {
        if (!bundle.TryGetProperty("entry", out var entries))
        {
            return null;
        }

        var issues = entries.EnumerateArray()
            .Select(e => e.TryGetProperty("resource", out var r) ? r : default)
            .Where(r => r.ValueKind == JsonValueKind.Object && r.GetProperty("resourceType").GetString() == "OperationOutcome")
            .SelectMany(r => r.TryGetProperty("issue", out var i) ? i.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Where(i => i.GetProperty("code").GetString() == "not-supported")
            .Select(i => i.TryGetProperty("diagnostics", out var d) ? d.GetString() : "not-supported")
            .ToList();
        return issues.Count > 0 ? string.Join(" ", issues) : null;
    }

    private static List<string> MatchIds(JsonElement bundle) =>
        bundle.TryGetProperty("entry", out var entries)
            ? [.. entries.EnumerateArray()
                .Where(e => !e.TryGetProperty("search", out var search) || search.GetProperty("mode").GetString() == "match")
                .Select(e => e.GetProperty("resource"))
                .Where(r => r.GetProperty("resourceType").GetString() != "OperationOutcome")
                .Select(r => r.GetProperty("id").GetString()!)]
            : [];

    /// <summary>Nearest first, allowing for rounding (a metre) between the server's distance and the haversine here.</summary>
    private static bool IsOrderedByDistance(List<string> locationIds, DirectoryDataset dataset, QueryPoint point)
    {
        var distances = locationIds.Select(id =>
        {
            var location = dataset.Location(id);
            return NationalDirectory.DistanceKm(point.Latitude, point.Longitude, location.Latitude, location.Longitude);
        }).ToList();
        return distances.Zip(distances.Skip(1)).All(pair => pair.Second >= pair.First - 0.001);
    }

    private static async Task<string> CountCheckAsync(string connectionString, DirectorySize size)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT resource_type, COUNT(*) FROM resources WHERE is_current AND NOT is_deleted GROUP BY resource_type", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>();
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        var expected = new Dictionary<string, long>
        {
            ["Organization"] = size.Organizations,
            ["Location"] = size.Locations,
            ["HealthcareService"] = size.Services,
            ["Practitioner"] = size.Practitioners,
            ["PractitionerRole"] = size.Roles,
        };
        return expected.All(e => counts.GetValueOrDefault(e.Key) == e.Value)
            ? "counts after the load match the generated directory"
            : "COUNTS DIFFER from the generated directory: " + string.Join(", ", expected.Select(e => $"{counts.GetValueOrDefault(e.Key):N0} of {e.Value:N0} {e.Key}"));
    }

    private static string Section(
        DirectoryBenchOptions options, string machine, DirectoryDataset dataset, string loadAverage, List<(LoadPhase Phase, IngestResult Result, int Retries, int Loaders)> loads, double tpcb, string countCheck,
        List<DirectoryFigures> figures, List<double> selectOnly, List<(FeedResult Feed, WriterResult? Writers)> feeds, WrkResult http)
    {
        var text = new StringBuilder();
        var selectOnlyMedian = Median(selectOnly);
        text.AppendLine(CultureInfo.InvariantCulture, $"### Provider directory, IHE mCSD (PostgreSQL), {BenchEnvironment.Date}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{machine}; load average {loadAverage} at start; provider PostgreSQL (durable, started by the benchmark), server Release; " +
            $"dataset: {Describe(dataset)}; seed {options.Seed}; `./bench directory` (tests/Benchmarks/ProviderDirectory)");
        text.AppendLine();
        text.AppendLine(
            options.IsCurating
                ? $"Load: transaction Bundles of {options.EntriesPerBundle} PUTs with the directory's ids, {options.Loaders} concurrent loaders (HttpClient, keep-alive; one for Organizations and Practitioners, whose duplicate checks collide), each Bundle sent until it commits (a 409 is retried, at most {DirectoryLoader.MaxTries} tries; time from first try to commit); one type after another, as the server requires a directory resource's references to resolve when its transaction commits (provider registry curation on, as by default)."
                : $"Load: transaction Bundles of {options.EntriesPerBundle} PUTs with the directory's ids, {options.Loaders} concurrent loaders (HttpClient, keep-alive), each Bundle sent until it commits (a 409 is retried, at most {DirectoryLoader.MaxTries} tries; time from first try to commit); one type after another; **provider registry curation off** (`ProviderRegistry:Enabled=false`: no duplicate detection, no reference checks), so writes cost what plain FHIR writes cost.");
        text.AppendLine();
        text.AppendLine("| resources | loaders | Bundles | count | seconds | resources/s | p50 ms a Bundle | p99 ms a Bundle | retries (409) | failed Bundles | ratio to pgbench TPC-B |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (phase, result, retries, loaders) in loads)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {phase.Name} | {loaders} | {result.Bundles:N0} | {result.Entries:N0} | {result.Elapsed.TotalSeconds:0.0} | {result.EntriesPerSecond:N0} | {result.P50Ms:0} | {result.P99Ms:0} | {retries} | {result.FailedBundles} | {result.EntriesPerSecond / tpcb:0.00} |");
        }

        var seconds = loads.Sum(l => l.Result.Elapsed.TotalSeconds);
        var total = loads.Sum(l => l.Result.Entries);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| **all** | | {loads.Sum(l => l.Result.Bundles):N0} | {total:N0} | {seconds:0.0} | **{total / seconds:N0}** | | | {loads.Sum(l => l.Retries)} | {loads.Sum(l => l.Result.FailedBundles)} | {total / seconds / tpcb:0.00} |");
        text.AppendLine();
        var failures = loads.Where(l => l.Result.FirstFailure is not null).Select(l => $"{l.Phase.Name}: {Cell(l.Result.FirstFailure!)}").ToList();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{countCheck}; pgbench TPC-B {tpcb:N0} tps (-c8) just before the load{(failures.Count > 0 ? $"; first failures: {string.Join("; ", failures)}" : string.Empty)}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Searches: wrk -t1 -c{options.Connections}, a new point for each request (5,000 drawn around the cities by their weight, within a few km of the centre; " +
            $"open-at on a day of the week of 2026-11-23, 08:00 to 19:45), {options.Duration.TotalSeconds:0}s runs after a {WarmUp.TotalSeconds:0}s warm-up, 3 rounds, median of the runs. " +
            $"Checked first at {CheckedPoints} points against the generated directory (haversine distance).");
        text.AppendLine();
        text.AppendLine("| search | matches a page | total, server / directory | req/s, runs 1/2/3 | req/s | p50 ms | p75 ms | p90 ms | p95 ms | p99 ms | non-2xx | ratio to pgbench -S | target |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var figure in figures)
        {
            var name = Cell(figure.Query.Name);
            if (!figure.Check.IsMeasured)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| `{name}` | {Cell(figure.Check.Status)} | | | | | | | | | | | {Target(figure.Query, null)} |");
                continue;
            }

            var runs = figure.Runs.Where(r => r.Result.Requests > 0).ToList();
            var p95 = Median(runs.Select(r => r.Result.P95Ms ?? double.NaN));
            var errors = string.Join("; ", figure.Runs.Select(r => r.Result.SocketErrors).OfType<string>());
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| `{name}` | {figure.Check.MatchesPerPage:0.#} | {figure.Check.ServerTotal:0.#} / {figure.Check.ExpectedTotal:0.#} | " +
                $"{string.Join(" / ", runs.Select(r => r.Result.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture)))} | {Median(figure.Runs.Select(r => r.Result.RequestsPerSecond)):N0} | " +
                $"{Median(runs.Select(r => r.Result.P50Ms)):0.0} | {Median(runs.Select(r => r.Result.P75Ms ?? double.NaN)):0.0} | {Median(runs.Select(r => r.Result.P90Ms ?? double.NaN)):0.0} | " +
                $"{p95:0.0} | {Median(runs.Select(r => r.Result.P99Ms)):0.0} | {figure.Runs.Sum(r => r.Result.Non2xx)}{(errors.Length > 0 ? $" ({Cell(errors)})" : string.Empty)} | " +
                $"{Median(figure.Runs.Select(r => r.Result.RequestsPerSecond / r.Ceiling)):0.000} | {Target(figure.Query, p95)} |");
        }

        text.AppendLine();
        foreach (var figure in figures.Where(f => f.Check.Agreement.StartsWith("DIFFERS", StringComparison.Ordinal)))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- `{Cell(figure.Query.Name)}` {figure.Check.Agreement}");
        }

        foreach (var figure in figures.Where(f => f.Alone is not null))
        {
            var alone = figure.Alone!;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"- `{Cell(figure.Query.Name)}` with one connection (wrk -c1, one run): {alone.RequestsPerSecond:N0} req/s, p50 {alone.P50Ms:0.0} ms, p95 {alone.P95Ms:0.0} ms, p99 {alone.P99Ms:0.0} ms");
        }

        text.AppendLine();
        var referral = figures.First(f => f.Query.Name == DirectoryQueries.Referral);
        text.AppendLine(CultureInfo.InvariantCulture, $"The referral search in full: `GET {Uri.UnescapeDataString(referral.Query.Path(DirectoryQueries.Points(options.Seed, 1)[0]))}`.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Change feed: `_history?_since={{start of the load}}&_count={FeedPageSize}`, `next` links followed to the end by one client; then again while {WriterCount} clients update " +
            $"PractitionerRoles (PUT, ~{UpdatesPerSecond:0} a second in all).");
        text.AppendLine();
        text.AppendLine("| feed | writers | pages | entries | seconds | entries/s | p50 ms a page | p95 ms a page | updates written meanwhile | ratio to pgbench -S |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (feed, writers) in feeds)
        {
            var written = writers is null ? "-" : $"{writers.Updates} ({writers.Failures} failed{(writers.FirstFailure is { } f ? $": {Cell(f)}" : string.Empty)})";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| `{feed.Feed}` | {(writers is null ? "none" : $"{WriterCount}")} | {feed.Pages:N0} | {feed.Entries:N0} | {feed.Elapsed.TotalSeconds:0.0} | {feed.EntriesPerSecond:N0} | " +
                $"{feed.P50PageMs:0} | {feed.P95PageMs:0} | {written} | {feed.EntriesPerSecond / selectOnlyMedian:0.00} |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Ceilings in this run: pgbench -S tps (-c2), rounds 1/2/3: {string.Join(" / ", selectOnly.Select(c => c.ToString("N0", CultureInfo.InvariantCulture)))}; " +
            $"pgbench TPC-B {tpcb:N0} tps (-c8) before the load; HTTP (GET /healthz, same wrk command) {http.RequestsPerSecond:N0} req/s, p50 {http.P50Ms:0.00} ms.");
        text.AppendLine();
        var targets = figures.Where(f => f.Query.TargetP95Ms is not null).ToList();
        var verdicts = targets.Select(f =>
        {
            var p95 = Median(f.Runs.Where(r => r.Result.Requests > 0).Select(r => r.Result.P95Ms ?? double.NaN));
            return $"`{Cell(f.Query.Name)}` {(f.Check.IsMeasured ? $"{(p95 <= f.Query.TargetP95Ms ? "met" : "missed")} ({p95:0.0} ms)" : "not measured")}";
        });
        text.AppendLine(CultureInfo.InvariantCulture, $"Target p95 ≤ {DirectoryQueries.TargetP95Ms:0} ms: {string.Join("; ", verdicts)}.");
        text.AppendLine();
        return text.ToString();
    }

    private static string Target(DirectoryQuery query, double? p95) => query.TargetP95Ms switch
    {
        null => "-",
        { } target when p95 is { } value && !double.IsNaN(value) => $"p95 ≤ {target:0} ms: {(value <= target ? "met" : "missed")}",
        { } target => $"p95 ≤ {target:0} ms",
    };

    private static void DryRun(DirectoryDataset dataset, List<DirectoryQuery> queries, List<QueryPoint> points, DirectoryBenchOptions options)
    {
        var phases = DirectoryJson.LoadPhases(dataset, options.EntriesPerBundle);
        var bundles = phases.SelectMany(p => p.Bundles).ToList();
        Console.WriteLine($"{bundles.Count:N0} transaction Bundles of at most {options.EntriesPerBundle} entries, {bundles.Sum(b => (long)b.Length) / 1024 / 1024:N0} MiB in all: " +
            string.Join(", ", phases.Select(p => $"{p.Name} {p.Bundles.Count}")));
        using (var first = JsonDocument.Parse(bundles[0]))
        {
            Console.WriteLine("a transaction entry:");
            Console.WriteLine(JsonSerializer.Serialize(first.RootElement.GetProperty("entry")[0], Indented));
        }

        using (var practitioners = JsonDocument.Parse(phases.First(p => p.Name == "Practitioner").Bundles[0]))
        {
            Console.WriteLine("a Practitioner:");
            Console.WriteLine(JsonSerializer.Serialize(practitioners.RootElement.GetProperty("entry")[0].GetProperty("resource"), Indented));
        }

        Console.WriteLine("a HealthcareService:");
        Console.WriteLine(JsonNode.Parse(DirectoryJson.Service(dataset.Services[0]))!.ToJsonString(Indented));
        Console.WriteLine("a PractitionerRole:");
        Console.WriteLine(JsonNode.Parse(DirectoryJson.Role(dataset.Roles[0]))!.ToJsonString(Indented));
        foreach (var query in queries)
        {
            Console.WriteLine($"== {query.Name}");
            foreach (var point in points.Take(CheckedPoints))
            {
                Console.WriteLine($"  {query.Expected(point).Count,6} expected  GET {query.Path(point)}");
            }
        }
    }

    private static string Describe(DirectoryDataset dataset)
    {
        var services = dataset.Services;
        return $"{dataset.Organizations.Count:N0} Organizations ({dataset.Organizations.Count(o => o.PartOfId is not null):N0} part of a group), " +
               $"{dataset.Locations.Count:N0} Locations around {NationalDirectory.Cities.Count} cities and in the countryside (latitude {NationalDirectory.MinLatitude}–{NationalDirectory.MaxLatitude}, longitude {NationalDirectory.MinLongitude}–{NationalDirectory.MaxLongitude}), " +
               $"{dataset.Practitioners.Count:N0} Practitioners, {dataset.Roles.Count:N0} PractitionerRoles ({dataset.Roles.Count(r => r.PeriodEnd is not null):N0} ended), " +
               $"{services.Count:N0} HealthcareServices ({services.Count(s => s.IsMentalHealth):N0} mental health, {services.Count(s => s.Types.Contains(NationalDirectory.DepressiveDisorder)):N0} treating depression, " +
               $"{services.Count(s => s.Languages.Contains("fr")):N0} in French, {services.Count(s => s.Characteristics.Contains(NationalDirectory.AcceptingNewClients)):N0} accepting new clients, {services.Count(s => s.IsActive):N0} active)";
    }

    private static string Point(QueryPoint point) => $"{point.Latitude.ToString(CultureInfo.InvariantCulture)},{point.Longitude.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A pipe inside a table cell, even in a code span, ends the cell unless escaped (GitHub Flavored Markdown).</summary>
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }

    private static HttpClient NewClient(string baseUrl, int connections)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        var client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Accept.ParseAdd("application/fhir+json");
        return client;
    }
}
