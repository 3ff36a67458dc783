using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using FhirMh.Testing;

namespace FhirMh.Benchmarks;

/// <summary>
/// <c>./bench questionnaires [--seconds N]</c>: completed PHQ-9 submissions (check against the
/// questionnaire, score, total Observation, alert for a positive item 9) with 16 concurrent wrk
/// clients on a durable PostgreSQL, each run next to <c>pgbench</c> TPC-B measured just before it
/// (issue #5: goal ≥ 1,000/s with p99 ≤ 50 ms).
/// </summary>
internal static class QuestionnaireBenchmark
{
    private const int Patients = 500;
    private const int Clients = 16;

    public static async Task RunAsync(string repository, string serverDll, TimeSpan duration)
    {
        await using var postgres = await PostgresServer.StartAsync(isDurable: true, CancellationToken.None);
        await BenchEnvironment.PrepareDatabasesAsync(postgres);
        await using var server = await ServerProcess.StartWarmAsync(serverDll, "Postgres", postgres.ConnectionString("fhir"), BenchEnvironment.CoreSettings, CancellationToken.None);
        var ids = Path.Combine(Path.GetTempPath(), "fhirmh-bench-phq9-" + Guid.NewGuid().ToString("N")[..8] + ".txt");
        try
        {
            await File.WriteAllLinesAsync(ids, await CreatePatientsAsync(server.BaseUrl));
            var script = Path.Combine(AppContext.BaseDirectory, "Scripts", "phq9.lua");
            var environment = new Dictionary<string, string> { ["BENCH_IDS"] = ids };
            var warmUp = TimeSpan.FromSeconds(15);
            Console.WriteLine("PHQ-9 submissions: warm-up");
            await Wrk.RunAsync(server.BaseUrl, Clients, warmUp, script, environment, CancellationToken.None);
            var rows = new StringBuilder();
            for (var run = 1; run <= 3; run++)
            {
                var tpcb = await BenchEnvironment.PgbenchAsync(postgres, ["-M", "prepared", "-c", "8", "-j", "1", "-T", BenchEnvironment.Seconds(duration)]);
                var result = await Wrk.RunAsync(server.BaseUrl, Clients, duration, script, environment, CancellationToken.None);
                rows.AppendLine(CultureInfo.InvariantCulture,
                    $"| {run} | {result.Requests:N0} | {result.RequestsPerSecond:N0} | {result.P50Ms:0.0} | {result.P99Ms:0.0} | {result.Non2xx} | {tpcb:N0} | {result.RequestsPerSecond / tpcb:0.00} |");
            }

            var report = $"""
                ### {BenchEnvironment.Date}: PHQ-9 submissions (PostgreSQL, issue #5)
                {BenchEnvironment.Machine(repository)}; load average {BenchEnvironment.LoadAverage()}; durable PostgreSQL started by the benchmark; {Patients} Patients; wrk -c{Clients} POST /fhir/QuestionnaireResponse (completed PHQ-9, random answers, item 9 positive in about 1 of 10, `Prefer: return=minimal`); each write checks the response against the questionnaire, scores it, writes the total Observation and, for a positive item 9, a Flag and a Task, in one transaction; {duration.TotalSeconds:0}s runs after a {warmUp.TotalSeconds:0}s warm-up

                | run | requests | submissions/s | p50 ms | p99 ms | non-2xx | pgbench TPC-B tps | ratio |
                |---|---|---|---|---|---|---|---|
                {rows.ToString().TrimEnd()}

                Goal: ≥ 1,000 submissions/s with p99 ≤ 50 ms.


                """;
            await BenchEnvironment.RecordAsync(repository, report);
        }
        finally
        {
            File.Delete(ids);
        }
    }

    private static async Task<List<string>> CreatePatientsAsync(string baseUrl)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var ids = new List<string>();
        for (var i = 0; i < Patients; i++)
        {
            var patient = new { resourceType = "Patient", name = new[] { new { family = $"Bench{i}", given = new[] { "Ada" } } }, gender = "female", birthDate = "1990-01-01" };
            using var content = new StringContent(System.Text.Json.JsonSerializer.Serialize(patient), Encoding.UTF8, "application/fhir+json");
            using var response = await http.PostAsync("/fhir/Patient", content);
            response.EnsureSuccessStatusCode();
            var created = await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>();
            ids.Add((string)created!["id"]!);
        }

        return ids;
    }
}
