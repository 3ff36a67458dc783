using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FhirMh.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace FhirMh.Benchmarks;

/// <summary>
/// <c>./bench security [--patients 20000] [--seconds 15] [--consents 10]</c>: the cost of access control
/// (issue #8) on PostgreSQL. The same data is read by id and searched (Observation?subject=) with
/// security off, then with security on: a bearer token checked on every request, the caller's
/// scopes and every patient's consent decided in the query, an AuditEvent queued per request and
/// per patient. A share of the patients (--consents, percent) have a consent denying the caller, so
/// the consent predicate has rows to hide. Each run beside pgbench -S in the same run.
/// </summary>
internal static class SecurityBenchmark
{
    private const string Issuer = "https://bench-idp.example";

    public static async Task RunAsync(string[] arguments, string repository, string serverDll)
    {
        var patients = Option(arguments, "--patients", 20_000);
        var seconds = TimeSpan.FromSeconds(Option(arguments, "--seconds", 15));
        var consentShare = Option(arguments, "--consents", 10);
        var warmUp = TimeSpan.FromSeconds(15);
        var scripts = Path.Combine(AppContext.BaseDirectory, "Scripts", "secured.lua");

        await using var postgres = await PostgresServer.StartAsync(isDurable: true, CancellationToken.None);
        await BenchEnvironment.PrepareDatabasesAsync(postgres);
        var connectionString = postgres.ConnectionString("fhir");
        using var key = RSA.Create(2048);
        var signing = new RsaSecurityKey(key) { KeyId = "bench" };
        var jwks = FhirMh.FhirServer.Security.PublicJwks.Of(key, "bench");
        var practitioner = "Practitioner/bench-reader";

        Console.WriteLine($"loading {patients:N0} Patients, 2 Observations each, consents for {consentShare}%");
        await using (var loader = await ServerProcess.StartWarmAsync(serverDll, "Postgres", connectionString, BenchEnvironment.CoreSettings, CancellationToken.None))
        {
            await LoadAsync(loader.BaseUrl, patients, consentShare);
        }

        var folder = Path.Combine(Path.GetTempPath(), "fhirmh-security-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var observationIds = Path.Combine(folder, "observations.txt");
        var patientIds = Path.Combine(folder, "patients.txt");
        await WriteIdsAsync(connectionString, "Observation", observationIds);
        await WriteIdsAsync(connectionString, "Patient", patientIds);

        var workloads = new (string Name, string Mode, string Ids)[]
        {
            ("read Observation by id", "read", observationIds),
            ("search Observation?subject=Patient/{id}", "search", patientIds),
        };
        var results = new Dictionary<(string Workload, string Configuration), List<SecuredRun>>();
        foreach (var configuration in Configurations)
        {
            var secured = configuration != Off;
            var settings = new Dictionary<string, string>(BenchEnvironment.CoreSettings);
            if (secured)
            {
                settings["Security:Enabled"] = "true";
                settings["Security:Issuers:0:Issuer"] = Issuer;
                settings["Security:Issuers:0:Jwks"] = jwks;
                settings["Security:TokenEndpoint:DemoClient"] = "false";
                settings["Audit:Enabled"] = configuration == On ? "true" : "false";
            }

            await using var server = await ServerProcess.StartWarmAsync(serverDll, "Postgres", connectionString, settings, CancellationToken.None);
            var token = secured ? Token(signing, server.BaseUrl + "/fhir", practitioner) : string.Empty;
            foreach (var (name, mode, ids) in workloads)
            {
                Console.WriteLine($"{name}, security {configuration}");
                var environment = new Dictionary<string, string> { ["BENCH_IDS"] = ids, ["BENCH_MODE"] = mode, ["BENCH_TOKEN"] = token };
                await Wrk.RunAsync(server.BaseUrl, 32, warmUp, scripts, environment, CancellationToken.None);
                var runs = new List<SecuredRun>();
                for (var run = 0; run < 3; run++)
                {
                    var ceiling = await BenchEnvironment.PgbenchAsync(postgres, ["-S", "-M", "prepared", "-c", "2", "-j", "1", "-T", BenchEnvironment.Seconds(seconds)]);
                    var (serverBefore, postgresBefore) = (server.ProcessorTime, postgres.ProcessorTime("fhir"));
                    var result = await Wrk.RunAsync(server.BaseUrl, 32, seconds, scripts, environment, CancellationToken.None);
                    var (serverAfter, postgresAfter) = (server.ProcessorTime, postgres.ProcessorTime("fhir"));
                    runs.Add(new SecuredRun(result, ceiling,
                        (serverAfter - serverBefore).TotalMilliseconds / result.Requests,
                        (postgresAfter - postgresBefore).TotalMilliseconds / result.Requests));
                }

                results[(name, configuration)] = runs;
            }
        }

        Directory.Delete(folder, recursive: true);
        var audits = await CountAsync(connectionString, "AuditEvent");
        var report = new StringBuilder();
        foreach (var (name, _, _) in workloads)
        {
            report.Append(Section(name, patients, consentShare, seconds, Configurations.Select(c => (c, results[(name, c)])).ToList(), audits, repository));
        }

        await BenchEnvironment.RecordAsync(repository, report.ToString());
    }

    private const string Off = "off";
    private const string WithoutAudit = "on, audit off";
    private const string On = "on";

    /// <summary>Security off; on without the audit trail (what the checks cost); on with it.</summary>
    private static readonly string[] Configurations = [Off, WithoutAudit, On];

    private static string Section(string name, int patients, int consentShare, TimeSpan seconds, List<(string Configuration, List<SecuredRun> Runs)> results, long audits, string repository)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"### Security overhead: {name} (PostgreSQL), {BenchEnvironment.Date}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{BenchEnvironment.Machine(repository)}; dataset: {patients:N0} Patients, {2 * patients:N0} Observations, {consentShare}% of patients with a consent denying the reader; " +
            $"client: wrk -t1 -c32, {seconds.TotalSeconds:0}s runs after a 15s warm-up; on = bearer JWT (RS256) with user/*.rs and fhirUser, X-Purpose-Of-Use TREAT, consent in the query, an AuditEvent per request and patient ({audits:N0} AuditEvents written in the whole run); CPU per request: processor time of the server process and of the PostgreSQL backends serving it during the run over its requests (wrk's own is in neither)");
        text.AppendLine();
        text.AppendLine("| security | run | req/s | p50 ms | p99 ms | non-2xx | server CPU ms/request | PostgreSQL CPU ms/request | pgbench -S tps | ratio |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (label, runs) in results)
        {
            for (var i = 0; i < runs.Count; i++)
            {
                var (r, c, serverCpu, postgresCpu) = runs[i];
                text.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {i + 1} | {r.RequestsPerSecond:N0} | {r.P50Ms:0.00} | {r.P99Ms:0.00} | {r.Non2xx} | {serverCpu:0.000} | {postgresCpu:0.000} | {c:N0} | {r.RequestsPerSecond / c:0.000} |");
            }
        }

        double MedianRatio(string configuration) => results.Single(r => r.Configuration == configuration).Runs.Select(r => r.Result.RequestsPerSecond / r.Ceiling).Order().ElementAt(1);
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"overhead (1 - median ratio / median ratio off): security and consent {1 - (MedianRatio(WithoutAudit) / MedianRatio(Off)):P0}; with audit {1 - (MedianRatio(On) / MedianRatio(Off)):P0} (goal ≤ 15%)");
        text.AppendLine();
        return text.ToString();
    }

    /// <summary>An access token as an identity provider would issue it to a practitioner's app: an hour, user/*.rs, allowed purpose TREAT.</summary>
    private static string Token(SecurityKey key, string audience, string fhirUser) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", "bench-user")]),
            Claims = new Dictionary<string, object> { ["scope"] = "user/*.rs", ["fhirUser"] = fhirUser, ["client_id"] = "bench", ["purpose_of_use"] = new[] { "TREAT" }, ["jti"] = Guid.NewGuid().ToString("N") },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });

    private static async Task LoadAsync(string baseUrl, int patients, int consentShare)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(5) };
        const int perBundle = 100;
        var batches = Enumerable.Range(0, (patients + perBundle - 1) / perBundle);
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (batch, cancellationToken) =>
        {
            var entries = new JsonArray();
            for (var i = batch * perBundle; i < Math.Min(patients, (batch + 1) * perBundle); i++)
            {
                var patient = $"urn:uuid:{Guid.NewGuid()}";
                entries.Add(Entry(patient, new JsonObject
                {
                    ["resourceType"] = "Patient",
                    ["identifier"] = new JsonArray(new JsonObject { ["system"] = "http://bench.example/mrn", ["value"] = i.ToString(CultureInfo.InvariantCulture) }),
                    ["name"] = new JsonArray(new JsonObject { ["family"] = "Bench" + (i % 997).ToString(CultureInfo.InvariantCulture), ["given"] = new JsonArray("Ada") }),
                    ["gender"] = i % 2 == 0 ? "female" : "male",
                    ["birthDate"] = $"19{50 + (i % 50):00}-0{1 + (i % 9)}-1{i % 10}",
                    ["telecom"] = new JsonArray(new JsonObject { ["system"] = "phone", ["value"] = $"+1-555-{i % 10_000:0000}" }),
                    ["address"] = new JsonArray(new JsonObject { ["line"] = new JsonArray($"{i} Bench Street"), ["city"] = "Benchville", ["postalCode"] = (10_000 + (i % 90_000)).ToString(CultureInfo.InvariantCulture) }),
                }));
                for (var o = 0; o < 2; o++)
                {
                    entries.Add(Entry($"urn:uuid:{Guid.NewGuid()}", new JsonObject
                    {
                        ["resourceType"] = "Observation",
                        ["status"] = "final",
                        ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = o == 0 ? "44261-6" : "70274-6" }) },
                        ["subject"] = new JsonObject { ["reference"] = patient },
                        ["effectiveDateTime"] = "2026-01-1" + o,
                        ["valueInteger"] = i % 27,
                    }));
                }

                if (i % 100 < consentShare)
                {
                    entries.Add(Entry($"urn:uuid:{Guid.NewGuid()}", JsonNode.Parse($$$"""
                        {"resourceType":"Consent","status":"active",
                         "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
                         "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
                         "patient":{"reference":"{{{patient}}}"},"dateTime":"2026-01-01",
                         "policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTIN"}]},
                         "provision":{"type":"deny","provision":[{"type":"permit","actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},"reference":{"reference":"Practitioner/someone-else"}}]}]}}
                        """)!.AsObject()));
                }
            }

            var bundle = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = entries };
            using var content = new StringContent(bundle.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/fhir+json"));
            using var response = await http.PostAsync("/fhir", content, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Loading failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
        });
    }

    private static JsonObject Entry(string fullUrl, JsonObject resource) => new()
    {
        ["fullUrl"] = fullUrl,
        ["resource"] = resource,
        ["request"] = new JsonObject { ["method"] = "POST", ["url"] = (string)resource["resourceType"]! },
    };

    private static async Task WriteIdsAsync(string connectionString, string type, string path)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT resource_id FROM resources WHERE resource_type = @type AND is_current AND NOT is_deleted", connection);
        command.Parameters.AddWithValue("type", type);
        await using var reader = await command.ExecuteReaderAsync();
        await using var file = new StreamWriter(path);
        while (await reader.ReadAsync())
        {
            await file.WriteLineAsync(reader.GetString(0));
        }
    }

    private static async Task<long> CountAsync(string connectionString, string type)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM resources WHERE resource_type = @type AND is_current", connection);
        command.Parameters.AddWithValue("type", type);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static int Option(string[] arguments, string name, int fallback)
    {
        var index = Array.IndexOf(arguments, name);
        return index >= 0 && index + 1 < arguments.Length ? int.Parse(arguments[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}

/// <summary>One measured run: wrk's figures, the ceiling beside it, and the processor time per request of the server and of PostgreSQL during it.</summary>
internal sealed record SecuredRun(WrkResult Result, double Ceiling, double ServerCpuMs, double PostgresCpuMs);
