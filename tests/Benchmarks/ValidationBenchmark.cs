using System.Diagnostics;
using System.Globalization;
using System.Text;
using FhirMh.FhirServer.Hosting;
using FhirMh.FhirServer.Validation;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FhirMh.Benchmarks;

/// <summary>
/// <c>./bench validation</c>: what validation costs per resource (issue #4), in process against
/// the server's own validator set-up, and how long the server takes to start with its packages.
/// Cold is the first validation by a new validator (its definitions not compiled yet, the
/// specification archive already indexed); warm is the median and p99 of later ones, measured
/// after the server's own background compilation has finished.
/// </summary>
internal static class ValidationBenchmark
{
    private const int WarmRuns = 5000;

    public static async System.Threading.Tasks.Task RunAsync(string repository, string serverDll)
    {
        var folder = Path.Combine(Path.GetTempPath(), "fhirmh-bench-validation-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            // First starts: a new database and no generated snapshots kept from before; restarts: the same database.
            var firstStarts = new List<(double Package, double Metadata)>();
            var restarts = new List<(double Package, double Metadata)>();
            for (var run = 0; run < 3; run++)
            {
                var database = Path.Combine(folder, $"startup-{run}.db");
                SnapshotCacheFolder.Clear();
                firstStarts.Add(await StartUpAsync(serverDll, database));
                restarts.Add(await StartUpAsync(serverDll, database));
            }

            var builder = WebApplication.CreateBuilder([
                "--urls", "http://127.0.0.1:0",
                "--Storage:Provider", "Sqlite",
                "--Storage:ConnectionString", $"Data Source={Path.Combine(folder, "validation.db")}",
                "--Logging:LogLevel:Default", "Warning"]);
            builder.AddFhirServer();
            await using var app = builder.Build();
            await app.StartAsync();
            await app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<ConformanceStartup>().Single().WarmedUp;

            var rows = new StringBuilder();
            foreach (var (name, resource) in Samples())
            {
                var validator = ActivatorUtilities.CreateInstance<ProfileValidator>(app.Services);
                var cold = Stopwatch.StartNew();
                var outcome = validator.Validate(resource, []);
                cold.Stop();
                if (outcome.Issue.Any(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal))
                {
                    throw new InvalidOperationException($"The {name} sample is not valid: {outcome.Issue.First().Diagnostics}");
                }

                var times = new double[WarmRuns];
                for (var i = 0; i < WarmRuns; i++)
                {
                    var watch = Stopwatch.StartNew();
                    validator.Validate(resource, []);
                    times[i] = watch.Elapsed.TotalMilliseconds;
                }

                Array.Sort(times);
                rows.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {cold.Elapsed.TotalMilliseconds:0} ms | {times[WarmRuns / 2]:0.000} ms | {times[(int)(WarmRuns * 0.99)]:0.000} ms |");
            }

            var report = $"""
                ### {BenchEnvironment.Date}: validation cost and start-up (issue #4)
                {BenchEnvironment.Machine(repository)}; load average {BenchEnvironment.LoadAverage()}; Release; SQLite; one thread; warm = median and p99 of {WarmRuns:N0} validations after the cold one

                | resource | cold (first validation, definitions compiled) | warm median | warm p99 |
                |---|---|---|---|
                {rows.ToString().TrimEnd()}

                Goal: warm median ≤ 1 ms for a Patient.

                Start-up, process start to the first answer, median of 3, SQLite. `GET /fhir/StructureDefinition/mh-patient` answers once the packages are loaded and stored; the first `GET /fhir/metadata` then compiles every type's search parameters. Goal: ≤ 5 s.

                | start | package resource answered | first CapabilityStatement |
                |---|---|---|
                | restart (database migrated, snapshots kept from the last start) | {Median(restarts, s => s.Package):0.0} s | {Median(restarts, s => s.Metadata):0.0} s |
                | first start (new database: all migrations; snapshots generated; package resources stored) | {Median(firstStarts, s => s.Package):0.0} s | {Median(firstStarts, s => s.Metadata):0.0} s |


                """;
            await BenchEnvironment.RecordAsync(repository, report);
            await app.StopAsync();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static double Median(List<(double Package, double Metadata)> runs, Func<(double Package, double Metadata), double> pick) =>
        runs.Select(pick).Order().ToList()[runs.Count / 2];

    /// <summary>Seconds from process start to the first answer with a package resource, and to the first CapabilityStatement.</summary>
    private static async Task<(double Package, double Metadata)> StartUpAsync(string serverDll, string database)
    {
        var port = Random.Shared.Next(20000, 40000);
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(serverDll)! };
        start.ArgumentList.Add(serverDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["Storage__ConnectionString"] = $"Data Source={database}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient();
        try
        {
            var package = await FirstAnswerAsync(http, $"http://127.0.0.1:{port}/fhir/StructureDefinition/mh-patient", clock, process);
            var metadata = await FirstAnswerAsync(http, $"http://127.0.0.1:{port}/fhir/metadata", clock, process);
            return (package, metadata);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task<double> FirstAnswerAsync(HttpClient http, string url, Stopwatch clock, Process process)
    {
        while (clock.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return clock.Elapsed.TotalSeconds;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await System.Threading.Tasks.Task.Delay(20);
        }

        throw new InvalidOperationException($"The server did not answer {url} within 60 s.");
    }

    private static IEnumerable<(string Name, Resource Resource)> Samples()
    {
        var patient = new Patient
        {
            Identifier = [new Identifier("https://clinic.example/mrn", "A-1001")],
            Name = [new HumanName { Family = "Okafor", Given = ["Adaeze"] }],
            Gender = AdministrativeGender.Female,
            BirthDate = "1990-04-12",
            Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Mobile, "+254700000000")],
            Address = [new Address { City = "Nairobi", Country = "KE" }],
        };
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "survey")],
            Code = new CodeableConcept("http://loinc.org", "44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"),
            Subject = new ResourceReference("Patient/1"),
            Effective = new FhirDateTime("2026-11-25T10:00:00Z"),
            Value = new Quantity { Value = 12, Unit = "{score}", System = "http://unitsofmeasure.org", Code = "{score}" },
        };
        string[] items = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"];
        var response = new QuestionnaireResponse
        {
            Questionnaire = "https://fhirmh.org/fhir/Questionnaire/phq-9",
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            Subject = new ResourceReference("Patient/1"),
            Authored = "2026-11-25T10:00:00Z",
            Item = items.Select(code => new QuestionnaireResponse.ItemComponent
            {
                LinkId = code,
                Answer = [new QuestionnaireResponse.AnswerComponent { Value = new Coding("http://loinc.org", "LA6569-3", "Several days") }],
            }).ToList(),
        };
        return [("Patient", patient), ("Observation", observation), ("QuestionnaireResponse (9 items)", response)];
    }
}
