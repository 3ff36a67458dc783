using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FhirMh.Testing;

namespace FhirMh.Benchmarks.Registry;

/// <summary>
/// <c>./bench registry</c>: the client registry (master patient index) measured through its REST
/// contract. Accuracy: for each dataset, the rules are estimated (<c>$estimate-weights</c>) on the
/// registrations of even person keys, on a fresh database, then installed on another fresh database
/// where the odd person keys are registered by concurrent clients and every source Patient's golden
/// link is read back and scored against the ground truth (<see cref="LinkageMetrics"/>). Scale:
/// registrations of new people and <c>$match</c> latency with wrk on a registry holding
/// <c>--scale</c> golden records, each run next to pgbench measured just before it (BENCHMARKING.md).
/// </summary>
internal static class RegistryBenchmark
{
    private const double TargetPrecision = 0.999;
    private const double TargetRecall = 0.99;
    private const double TargetSparseF1 = 0.975;
    private const double TargetSparseReview = 0.05;
    private const double TargetRegistrationsPerSecond = 500;
    private const double TargetMatchP95Ms = 20;

    private static readonly JsonSerializerOptions Indented = new(PatientMapping.Json) { WriteIndented = true };

    public static async Task RunAsync(RegistryBenchOptions options, string repository, Func<string> serverDll, CancellationToken cancellationToken)
    {
        var datasets = options.Datasets.Select(n => RegistryDataset.Load(n, repository, options.SyntheticPeople, options.Seed)).ToList();
        if (options.IsDryRun)
        {
            DryRun(datasets, options);
            return;
        }

        var dll = serverDll();
        var loadAverage = BenchEnvironment.LoadAverage();
        var report = new StringBuilder();
        if (datasets.Count > 0)
        {
            var runs = new List<LinkageRun>();
            foreach (var dataset in datasets)
            {
                runs.Add(await MeasureLinkageAsync(dataset, dll, options.Clients, cancellationToken));
            }

            report.Append(LinkageSection(runs, repository, loadAverage, options));
        }

        if (options.Scale > 0)
        {
            report.Append(await MeasureScaleAsync(options, repository, dll, cancellationToken));
        }

        if (report.Length > 0)
        {
            await BenchEnvironment.RecordAsync(repository, report.ToString());
        }
    }

    private static async Task<LinkageRun> MeasureLinkageAsync(RegistryDataset dataset, string serverDll, int clients, CancellationToken cancellationToken)
    {
        var tuning = RegistryDataset.Interleaved(dataset.TuningHalf);
        var reportHalf = RegistryDataset.Interleaved(dataset.ReportHalf);
        Console.WriteLine($"== {dataset.Name}: estimating the rules on {tuning.Count:N0} registrations (even person keys)");
        string rules;
        await using (var postgres = await PostgresServer.StartAsync(isDurable: false, cancellationToken))
        {
            await postgres.CreateDatabaseAsync("fhir", cancellationToken);
            await using var server = await ServerProcess.StartWarmAsync(serverDll, "Postgres", postgres.ConnectionString("fhir"), cancellationToken);
            using var client = new RegistryClient(server.BaseUrl, clients);
            await client.CheckRegistryAsync(cancellationToken);
            var replay = await RegistrationReplay.RunAsync(client, tuning, dataset.Country, clients, cancellationToken);
            Console.WriteLine($"  {replay.Registered:N0} registered ({replay.RegistrationsPerSecond:N0}/s), {replay.Failed} failed{Failure(replay)}");
            await RequireSourceRecordsAsync(client, replay.Registered, cancellationToken);
            Console.WriteLine("  POST /fhir/Patient/$estimate-weights");
            await client.EstimateWeightsAsync(cancellationToken);
            rules = await client.ReadRulesAsync(cancellationToken);
        }

        var rulesFile = Path.Combine(Path.GetTempPath(), $"fhirmh-registry-rules-{dataset.Name}.json");
        await File.WriteAllTextAsync(rulesFile, rules, cancellationToken);
        Console.WriteLine($"  rules written to {rulesFile}");

        Console.WriteLine($"== {dataset.Name}: registering {reportHalf.Count:N0} records (odd person keys) with {clients} clients");
        await using (var postgres = await PostgresServer.StartAsync(isDurable: true, cancellationToken))
        {
            await BenchEnvironment.PrepareDatabasesAsync(postgres);
            await using var server = await ServerProcess.StartWarmAsync(serverDll, "Postgres", postgres.ConnectionString("fhir"), cancellationToken);
            using var client = new RegistryClient(server.BaseUrl, clients);
            await client.CheckRegistryAsync(cancellationToken);
            await client.PutRulesAsync(rules, cancellationToken);
            var tpcb = await BenchEnvironment.PgbenchAsync(postgres, ["-M", "prepared", "-c", "8", "-j", "1", "-T", "10"]);
            var replay = await RegistrationReplay.RunAsync(client, reportHalf, dataset.Country, clients, cancellationToken);
            Console.WriteLine($"  {replay.Registered:N0} registered ({replay.RegistrationsPerSecond:N0}/s, TPC-B {tpcb:N0} tps), {replay.Failed} failed{Failure(replay)}");
            await RequireSourceRecordsAsync(client, replay.Registered, cancellationToken);

            var systems = reportHalf.Select(r => r.SourceSystem).ToHashSet(StringComparer.Ordinal);
            var links = await client.ReadGoldenLinksAsync(systems, cancellationToken);
            var outcomes = reportHalf.Select(r => links.TryGetValue(r.SourceSystem + "|" + r.RecordId, out var link)
                ? new LinkOutcome(r.RecordId, r.PersonKey, link.GoldenId, link.IsUnderReview)
                : new LinkOutcome(r.RecordId, r.PersonKey, null, false)).ToList();
            if (outcomes.All(o => o.GoldenId is null))
            {
                throw new RegistryContractException(
                    $"None of the {outcomes.Count:N0} source Patients links (type refer) to a golden record: the server stores Patients but does not link them.");
            }

            var figures = LinkageMetrics.Measure(outcomes);
            var blocking = (double?)LinkageMetrics.BlockingPairCompleteness(reportHalf, BlockingKeys.ForRules(rules, dataset.Country));
            Console.WriteLine($"  precision {figures.Precision:0.0000}, recall {figures.Recall:0.0000}, F1 {figures.F1:0.0000}, {figures.FalseAutoLinks} false auto-links, {figures.ReviewShare:P1} to review, {figures.Unlinked} unlinked");
            return new LinkageRun(dataset.Name, tuning.Count, figures, blocking, replay, tpcb);
        }
    }

    /// <summary>Fails when the stored Patients carry no source-record tag: Patients stored by a server without the registry.</summary>
    private static async Task RequireSourceRecordsAsync(RegistryClient client, int registered, CancellationToken cancellationToken)
    {
        var sources = await client.CountTaggedAsync("source-record", cancellationToken);
        if (sources == 0 && registered > 0)
        {
            throw new RegistryContractException(
                $"{registered:N0} Patients were registered but none carries the tag {RegistryClient.TagSystem}|source-record: the server does not run the client registry on writes.");
        }

        if (sources != registered)
        {
            Console.WriteLine($"  warning: {sources:N0} Patients tagged source-record for {registered:N0} registrations");
        }
    }

    private static async Task<string> MeasureScaleAsync(RegistryBenchOptions options, string repository, string serverDll, CancellationToken cancellationToken)
    {
        var people = new SyntheticPeople(options.Seed);
        const int Connections = 16;
        var warmUp = TimeSpan.FromSeconds(15);
        var scripts = Path.Combine(AppContext.BaseDirectory, "Scripts", "registry.lua");
        var files = new List<string>();
        await using var postgres = await PostgresServer.StartAsync(isDurable: true, cancellationToken);
        await BenchEnvironment.PrepareDatabasesAsync(postgres);
        await using var server = await ServerProcess.StartWarmAsync(serverDll, "Postgres", postgres.ConnectionString("fhir"), cancellationToken);
        using var client = new RegistryClient(server.BaseUrl, options.Clients);
        await client.CheckRegistryAsync(cancellationToken);
        try
        {
            // One registration per person, each from one source: each makes its own golden record.
            Console.WriteLine($"== scale: registering {options.Scale:N0} people with {options.Clients} clients");
            var seedRecords = Enumerable.Range(1, options.Scale)
                .Select(key => people.NoisyRecord(key, RegistryDataset.SourceA, SyntheticPeople.RecordId("A", key), new Random(key)))
                .ToList();
            var seeding = await RegistrationReplay.RunAsync(client, seedRecords, SyntheticPeople.Country, options.Clients, cancellationToken);
            Console.WriteLine($"  {seeding.Registered:N0} registered ({seeding.RegistrationsPerSecond:N0}/s), {seeding.Failed} failed{Failure(seeding)}");
            var golden = await client.CountTaggedAsync("golden-record", cancellationToken);
            Console.WriteLine($"  {golden:N0} golden records");

            var http = await Wrk.RunAsync(server.BaseUrl + "/healthz", Connections, options.Duration, null, null, cancellationToken);

            // $match first, at exactly the seeded size; a query is a person already registered, as
            // another desk would record them (other noise), without that desk's own identifier.
            var matchFile = TempFile(files, "match");
            var random = new Random(options.Seed);
            await File.WriteAllLinesAsync(matchFile, Enumerable.Range(0, 5_000).Select(_ =>
            {
                var key = random.Next(1, options.Scale + 1);
                var patient = PatientMapping.ToQueryPatient(people.NoisyRecord(key, SyntheticPeople.SourceC, "query", random), SyntheticPeople.Country);
                return "/fhir/Patient/$match\t" + RegistryClient.MatchParameters(patient, count: 5);
            }), cancellationToken);
            var matchEnvironment = new Dictionary<string, string> { ["BENCH_REQUESTS"] = matchFile, ["BENCH_METHOD"] = "POST" };
            Console.WriteLine("== scale: $match");
            await Wrk.RunAsync(server.BaseUrl, Connections, warmUp, scripts, matchEnvironment, cancellationToken);
            var matches = new List<(WrkResult Result, double Ceiling)>();
            for (var run = 0; run < 3; run++)
            {
                var selectOnly = await BenchEnvironment.PgbenchAsync(postgres, ["-S", "-M", "prepared", "-c", "2", "-j", "1", "-T", BenchEnvironment.Seconds(options.Duration)]);
                matches.Add((await Wrk.RunAsync(server.BaseUrl, Connections, options.Duration, scripts, matchEnvironment, cancellationToken), selectOnly));
            }

            // New people under fresh identifiers, a file per run so that no run repeats another's
            // identifiers; sized at four times the seeding rate (registry.lua says when it ran out).
            Console.WriteLine("== scale: registrations of new people");
            var nextKey = options.Scale + 1;
            string RegistrationFile(TimeSpan duration)
            {
                var file = TempFile(files, "register");
                var count = (int)Math.Clamp(seeding.RegistrationsPerSecond * 4 * duration.TotalSeconds, 2_000, 300_000);
                File.WriteAllLines(file, Enumerable.Range(nextKey, count).Select(key =>
                {
                    var record = people.NoisyRecord(key, RegistryDataset.SourceB, SyntheticPeople.RecordId("B", key), new Random(key));
                    return PatientMapping.ConditionalUpdatePath(record) + "\t" + PatientMapping.ToPatient(record, SyntheticPeople.Country).ToJsonString(PatientMapping.Json);
                }));
                nextKey += count;
                return file;
            }

            Dictionary<string, string> RegistrationEnvironment(TimeSpan duration) =>
                new() { ["BENCH_REQUESTS"] = RegistrationFile(duration), ["BENCH_METHOD"] = "PUT" };

            await Wrk.RunAsync(server.BaseUrl, Connections, warmUp, scripts, RegistrationEnvironment(warmUp), cancellationToken);
            var registrations = new List<(WrkResult Result, double Ceiling)>();
            for (var run = 0; run < 3; run++)
            {
                var environment = RegistrationEnvironment(options.Duration);
                var tpcb = await BenchEnvironment.PgbenchAsync(postgres, ["-M", "prepared", "-c", "8", "-j", "1", "-T", BenchEnvironment.Seconds(options.Duration)]);
                registrations.Add((await Wrk.RunAsync(server.BaseUrl, Connections, options.Duration, scripts, environment, cancellationToken), tpcb));
            }

            return ScaleSection(options, repository, seeding, golden, http, matches, registrations, warmUp);
        }
        finally
        {
            foreach (var file in files)
            {
                File.Delete(file);
            }
        }
    }

    private static string LinkageSection(List<LinkageRun> runs, string repository, string loadAverage, RegistryBenchOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"### {BenchEnvironment.Date}: client registry linkage accuracy (PostgreSQL)");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{BenchEnvironment.Machine(repository)}; load average {loadAverage}; rules estimated with `$estimate-weights` on the registrations of even person keys (fresh database), " +
            $"figures on the odd person keys registered by {options.Clients} concurrent clients (PUT conditional, sources interleaved) on another fresh durable database with those rules; " +
            $"FEBRL from ../shared/data/febrl, synthetic: {options.SyntheticPeople:N0} people, seed {options.Seed}; pairs counted within golden clusters");
        text.AppendLine();
        text.AppendLine("| dataset | registrations (tuning / report) | persons | true pairs | precision | recall | F1 | false auto-links | clusters correct | to review | unlinked | blocking pair completeness | registrations/s | p99 ms | TPC-B tps | ratio | targets |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var run in runs)
        {
            var f = run.Figures;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {run.Dataset} | {run.TuningRegistrations:N0} / {f.Records:N0} | {f.Persons:N0} | {f.TruePairs:N0} | {f.Precision:0.0000} | {f.Recall:0.0000} | {f.F1:0.0000} | {f.FalseAutoLinks:N0} | {f.ClusterCorrectness:0.0000} | {f.ReviewShare:P1} | {f.Unlinked:N0} | " +
                $"{(run.BlockingCompleteness is { } b ? b.ToString("0.0000", CultureInfo.InvariantCulture) : "n/a (not wired)")} | {run.Replay.RegistrationsPerSecond:N0} | {run.Replay.P99Ms:0.0} | {run.TpcbTps:N0} | {run.Replay.RegistrationsPerSecond / run.TpcbTps:0.00} | {Targets(run)} |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Targets: febrl4 precision ≥ {TargetPrecision}, recall ≥ {TargetRecall}, no false auto-link; sparse variants F1 ≥ {TargetSparseF1} with ≤ {TargetSparseReview:P0} to review. " +
            $"Reference (../shared/data/febrl/README.md): Fellegi-Sunter with EM weights and multi-pass blocking, F1 0.9999 on febrl4, 0.986 on febrl4-sparse, 0.978 on febrl3-sparse.");
        text.AppendLine();
        return text.ToString();
    }

    private static string Targets(LinkageRun run)
    {
        var f = run.Figures;
        return run.Dataset switch
        {
            "febrl4" => f.Precision >= TargetPrecision && f.Recall >= TargetRecall && f.FalseAutoLinks == 0 ? "met" : "missed",
            _ when run.Dataset.EndsWith("-sparse", StringComparison.Ordinal) => f.F1 >= TargetSparseF1 && f.ReviewShare <= TargetSparseReview ? "met" : "missed",
            _ => "-",
        };
    }

    private static string ScaleSection(
        RegistryBenchOptions options, string repository, ReplayResult seeding, long golden, WrkResult http,
        List<(WrkResult Result, double Ceiling)> matches, List<(WrkResult Result, double Ceiling)> registrations, TimeSpan warmUp)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"### {BenchEnvironment.Date}: client registry at scale (PostgreSQL)");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{BenchEnvironment.Machine(repository)}; load average {BenchEnvironment.LoadAverage()}; durable PostgreSQL started by the benchmark; " +
            $"{golden:N0} golden records from {options.Scale:N0} synthetic people registered once each (seeded at {seeding.RegistrationsPerSecond:N0} registrations/s by {options.Clients} clients, {seeding.Failed} failed); " +
            $"wrk -t1 -c16, {options.Duration.TotalSeconds:0}s runs after a {warmUp.TotalSeconds:0}s warm-up; $match first (5,000 noisy queries of registered people, count 5), then registrations of new people (PUT conditional, fresh identifiers); " +
            $"HTTP ceiling (GET /healthz, same wrk command) {http.RequestsPerSecond:N0} req/s");
        text.AppendLine();
        text.AppendLine("| workload | run | requests | req/s | p50 ms | p95 ms | p99 ms | non-2xx | ceiling | ceiling value | ratio |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        void Rows(string workload, string ceiling, List<(WrkResult Result, double Ceiling)> runs)
        {
            for (var i = 0; i < runs.Count; i++)
            {
                var (r, c) = runs[i];
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {workload}{(r.HasWrapped ? Wrapped(workload) : string.Empty)} | {i + 1} | {r.Requests:N0} | {r.RequestsPerSecond:N0} | {r.P50Ms:0.0} | {r.P95Ms:0.0} | {r.P99Ms:0.0} | {r.Non2xx} | {ceiling} | {c:N0} | {r.RequestsPerSecond / c:0.00} |");
            }
        }

        static string Wrapped(string workload) => workload == "$match" ? " (queries repeated)" : " (bodies ran out: some were updates)";

        Rows("$match", "pgbench -S tps", matches);
        Rows("registration", "pgbench TPC-B tps", registrations);
        var matchP95 = matches.Select(m => m.Result.P95Ms ?? m.Result.P99Ms).Order().ElementAt(matches.Count / 2);
        var registrationRate = registrations.Select(r => r.Result.RequestsPerSecond).Order().ElementAt(registrations.Count / 2);
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"median registrations/s {registrationRate:N0} (goal ≥ {TargetRegistrationsPerSecond:N0} with 100k golden records); median $match p95 {matchP95:0.0} ms (goal ≤ {TargetMatchP95Ms} ms)");
        text.AppendLine();
        return text.ToString();
    }

    private static void DryRun(List<RegistryDataset> datasets, RegistryBenchOptions options)
    {
        foreach (var dataset in datasets)
        {
            var tuning = dataset.TuningHalf;
            var reportHalf = dataset.ReportHalf;
            var truth = LinkageMetrics.Measure([.. reportHalf.Select(r => new LinkOutcome(r.RecordId, r.PersonKey, "person-" + r.PersonKey.ToString(CultureInfo.InvariantCulture), false))]);
            var withoutBirthDate = dataset.Records.Count(r => r.BirthDate is not null && PatientMapping.BirthDate(r.BirthDate) is null);
            Console.WriteLine($"== {dataset.Name}: {dataset.Records.Count:N0} registrations of {dataset.Records.Select(r => r.PersonKey).Distinct().Count():N0} persons");
            foreach (var source in dataset.Records.GroupBy(r => r.SourceSystem))
            {
                Console.WriteLine($"  {source.Key}: {source.Count():N0}");
            }

            Console.WriteLine($"  tuning half (even keys) {tuning.Count:N0}; report half (odd keys) {reportHalf.Count:N0} with {truth.TruePairs:N0} true pairs among {truth.Persons:N0} persons");
            Console.WriteLine($"  birth dates left out as invalid: {withoutBirthDate:N0}; national id present: {dataset.Records.Count(r => r.SocSecId is not null):N0}");
            var sample = RegistryDataset.Interleaved(reportHalf)[0];
            Console.WriteLine($"  PUT {PatientMapping.ConditionalUpdatePath(sample)}");
            Console.WriteLine(PatientMapping.ToPatient(sample, dataset.Country).ToJsonString(Indented));
        }

        if (options.Scale > 0)
        {
            var people = new SyntheticPeople(options.Seed);
            var query = PatientMapping.ToQueryPatient(people.NoisyRecord(1, SyntheticPeople.SourceC, "query", new Random(options.Seed)), SyntheticPeople.Country);
            Console.WriteLine($"== scale: {options.Scale:N0} people; a $match body:");
            Console.WriteLine(JsonNode.Parse(RegistryClient.MatchParameters(query, count: 5))!.ToJsonString(Indented));
        }

    }

    private static string Failure(ReplayResult replay) => replay.FirstFailure is { } f ? $"; first failure: {f}" : string.Empty;

    private static string TempFile(List<string> files, string name)
    {
        var file = Path.Combine(Path.GetTempPath(), $"fhirmh-bench-registry-{name}-{Guid.NewGuid().ToString("N")[..8]}.txt");
        files.Add(file);
        return file;
    }
}
