using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FhirMh.Testing;

namespace FhirMh.Benchmarks;

/// <summary>
/// <c>./bench subscriptions [--seconds N]</c> (issue #9): referral Task writes per second with
/// wrk on a durable PostgreSQL, first with no subscription, then with 100 active topic
/// subscriptions (each write matches one of them), each run next to <c>pgbench</c> TPC-B; and the
/// latency from a version's <c>lastUpdated</c> (set just before its commit) to its notification
/// reaching a subscriber on loopback. Goals: at most 10% fewer writes per second with the
/// subscriptions; notification p95 ≤ 1 s.
/// </summary>
internal static class SubscriptionBenchmark
{
    private const int Subscriptions = 100;
    private const int Clients = 16;
    private const int Runs = 4;

    public static async Task RunAsync(string repository, string serverDll, TimeSpan duration)
    {
        using var listener = new Listener();
        await using var postgres = await PostgresServer.StartAsync(isDurable: true, CancellationToken.None);
        await BenchEnvironment.PrepareDatabasesAsync(postgres);
        var settings = new Dictionary<string, string>(BenchEnvironment.CoreSettings) { ["Subscriptions:AllowedEndpoints:0"] = listener.Origin };
        await using var server = await ServerProcess.StartWarmAsync(serverDll, "Postgres", postgres.ConnectionString("fhir"), settings, CancellationToken.None);
        var script = Path.Combine(AppContext.BaseDirectory, "Scripts", "tasks.lua");
        var warmUp = TimeSpan.FromSeconds(15);
        Console.WriteLine("Task writes: warm-up");
        await Wrk.RunAsync(server.BaseUrl, Clients, warmUp, script, new Dictionary<string, string>(), CancellationToken.None);

        // Runs alternate, without and with the subscriptions (set off, then requested again).
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        var ids = await SubscribeAsync(http, listener.Origin);
        var rows = new StringBuilder();
        var without = new List<double>();
        var with = new List<double>();
        long written = 0;
        for (var run = 1; run <= Runs; run++)
        {
            // Odd pairs run without the subscriptions first, even pairs with them first (ABBA), so
            // that a steady drift (a warming JIT, a growing database) weighs on both sides alike.
            if (run % 2 == 1)
            {
                without.Add(await RunWithoutAsync(run));
                with.Add(await RunWithAsync(run));
            }
            else
            {
                with.Add(await RunWithAsync(run));
                without.Add(await RunWithoutAsync(run));
            }
        }

        async Task<double> RunWithoutAsync(int run)
        {
            await SetStatusAsync(http, ids, "off");
            await Task.Delay(TimeSpan.FromSeconds(1)); // the dispatcher's catalog lets the type go
            return await RunOnceAsync(postgres, server, script, duration, $"{run}, no subscription", rows);
        }

        async Task<double> RunWithAsync(int run)
        {
            await SetStatusAsync(http, ids, "requested");
            await WaitForActiveAsync(http, ids);
            var writesPerSecond = await RunOnceAsync(postgres, server, script, duration, $"{run}, {Subscriptions} subscriptions", rows, requests => written += requests);

            // Every write of the run matches exactly one subscription: wait for all of them before
            // switching off. wrk does not count the requests still under way when it stops, so the
            // wait goes on until no notification has arrived for a second.
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            var seen = -1;
            while ((listener.Latencies.Count < written || listener.Latencies.Count != seen) && DateTime.UtcNow < deadline)
            {
                seen = listener.Latencies.Count;
                await Task.Delay(1000);
            }

            return writesPerSecond;
        }

        var latencies = listener.Latencies.Order().ToList();
        var slower = 1 - (with.Average() / without.Average());
        var report = $"""
            ### {BenchEnvironment.Date}: Subscriptions, writes and notification latency (PostgreSQL, issue #9)
            {BenchEnvironment.Machine(repository)}; load average {BenchEnvironment.LoadAverage()}; durable PostgreSQL started by the benchmark; wrk -c{Clients} POST /fhir/Task (referral Tasks owned by one of 100 organizations, `Prefer: return=minimal`); then {Subscriptions} active subscriptions on the referral-task topic, one per owner (`owner` filter, full-resource payload), to a subscriber on loopback; {Runs} pairs of {duration.TotalSeconds:0}s runs after a {warmUp.TotalSeconds:0}s warm-up, without the subscriptions first in odd pairs and with them first in even ones

            | run | requests | writes/s | p50 ms | p99 ms | non-2xx | pgbench TPC-B tps | ratio |
            |---|---|---|---|---|---|---|---|
            {rows.ToString().TrimEnd()}

            Writes/s with {Subscriptions} subscriptions: {with.Average():N0} against {without.Average():N0} without ({slower:P1} slower; goal: at most 10%).
            Notifications: {latencies.Count:N0} for {written:N0} writes counted by wrk (which leaves out the requests under way when it stops), {listener.Duplicates:N0} of them repeated; latency from lastUpdated to arrival p50 {Percentile(latencies, 0.50):N0} ms, p95 {Percentile(latencies, 0.95):N0} ms, max {(latencies.Count == 0 ? 0 : latencies[^1]):N0} ms (goal: p95 ≤ 1,000 ms).


            """;
        await BenchEnvironment.RecordAsync(repository, report);
    }

    private static async Task<double> RunOnceAsync(PostgresServer postgres, ServerProcess server, string script, TimeSpan duration, string label, StringBuilder rows, Action<long>? onRequests = null)
    {
        var tpcb = await BenchEnvironment.PgbenchAsync(postgres, ["-M", "prepared", "-c", "8", "-j", "1", "-T", BenchEnvironment.Seconds(duration)]);
        var result = await Wrk.RunAsync(server.BaseUrl, Clients, duration, script, new Dictionary<string, string>(), CancellationToken.None);
        onRequests?.Invoke(result.Requests - result.Non2xx);
        rows.AppendLine(CultureInfo.InvariantCulture,
            $"| {label} | {result.Requests:N0} | {result.RequestsPerSecond:N0} | {result.P50Ms:0.0} | {result.P99Ms:0.0} | {result.Non2xx} | {tpcb:N0} | {result.RequestsPerSecond / tpcb:0.00} |");
        Console.WriteLine($"{label}: {result.RequestsPerSecond:N0} writes/s");
        return result.RequestsPerSecond;
    }

    private static async Task<List<string>> SubscribeAsync(HttpClient http, string origin)
    {
        var ids = new List<string>();
        for (var i = 1; i <= Subscriptions; i++)
        {
            var subscription = new JsonObject
            {
                ["resourceType"] = "Subscription",
                ["status"] = "requested",
                ["reason"] = "Benchmark",
                ["criteria"] = "https://fhirmh.org/fhir/SubscriptionTopic/referral-task",
                ["_criteria"] = new JsonObject
                {
                    ["extension"] = new JsonArray(new JsonObject
                    {
                        ["url"] = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria",
                        ["valueString"] = $"Task?owner=Organization/bench-org-{i}",
                    }),
                },
                ["channel"] = new JsonObject
                {
                    ["type"] = "rest-hook",
                    ["endpoint"] = $"{origin}/hook/{i}",
                    ["payload"] = "application/fhir+json",
                    ["_payload"] = new JsonObject
                    {
                        ["extension"] = new JsonArray(new JsonObject
                        {
                            ["url"] = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content",
                            ["valueCode"] = "full-resource",
                        }),
                    },
                },
            };
            using var content = new StringContent(subscription.ToJsonString(), Encoding.UTF8, "application/fhir+json");
            using var response = await http.PostAsync("/fhir/Subscription", content);
            response.EnsureSuccessStatusCode();
            ids.Add((string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!);
        }

        return ids;
    }

    private static async Task SetStatusAsync(HttpClient http, List<string> ids, string status)
    {
        foreach (var id in ids)
        {
            var subscription = JsonNode.Parse(await http.GetStringAsync($"/fhir/Subscription/{id}"))!;
            subscription["status"] = status;
            using var content = new StringContent(subscription.ToJsonString(), Encoding.UTF8, "application/fhir+json");
            using var response = await http.PutAsync($"/fhir/Subscription/{id}", content);
            response.EnsureSuccessStatusCode();
        }
    }

    private static async Task WaitForActiveAsync(HttpClient http, List<string> ids)
    {
        foreach (var id in ids)
        {
            while ((string?)JsonNode.Parse(await http.GetStringAsync($"/fhir/Subscription/{id}"))!["status"] != "active")
            {
                await Task.Delay(100);
            }
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>The subscriber: notes, for each event notification, how long after the version's lastUpdated it arrived.</summary>
    private sealed class Listener : IDisposable
    {
        private readonly HttpListener _http = new();
        private readonly ConcurrentBag<double> _latencies = [];

        /// <summary>Each version notified, to count those that arrived more than once.</summary>
        private readonly ConcurrentDictionary<string, byte> _versions = new(StringComparer.Ordinal);

        private int _duplicates;

        public Listener()
        {
            using var socket = new TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            Origin = $"http://127.0.0.1:{((IPEndPoint)socket.LocalEndpoint).Port}";
            socket.Stop();
            _http.Prefixes.Add(Origin + "/");
            _http.Start();
            for (var i = 0; i < 8; i++)
            {
                _ = Task.Run(LoopAsync);
            }
        }

        public string Origin { get; }

        public ConcurrentBag<double> Latencies => _latencies;

        public int Duplicates => _duplicates;

        public void Dispose() => _http.Close();

        private async Task LoopAsync()
        {
            while (_http.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _http.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                var arrived = DateTimeOffset.UtcNow;

                // JsonDocument rather than JsonNode: the subscriber shares the machine with the
                // server it measures, so it reads each notification as cheaply as it can.
                using (var body = await JsonDocument.ParseAsync(context.Request.InputStream))
                {
                    foreach (var entry in body.RootElement.GetProperty("entry").EnumerateArray().Skip(1))
                    {
                        var meta = entry.GetProperty("resource").GetProperty("meta");
                        var lastUpdated = DateTimeOffset.Parse(meta.GetProperty("lastUpdated").GetString()!, CultureInfo.InvariantCulture);
                        _latencies.Add((arrived - lastUpdated).TotalMilliseconds);
                        if (!_versions.TryAdd(entry.GetProperty("fullUrl").GetString() + "|" + meta.GetProperty("versionId").GetString(), 0))
                        {
                            Interlocked.Increment(ref _duplicates);
                        }
                    }
                }

                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }
    }
}
