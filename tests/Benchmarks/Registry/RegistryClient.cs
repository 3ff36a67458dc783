using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FhirMh.Benchmarks.Registry;

/// <summary>
/// The client registry's REST contract as a source system and an operator use it: conditional
/// update of a source Patient (IHE ITI-104), <c>Patient/$match</c>, <c>Patient/$estimate-weights</c>,
/// the rules in <c>Binary/patient-match-rules</c>, and the golden links read back by search. Every
/// call has a deadline; an answer that breaks the contract is a <see cref="RegistryContractException"/>.
/// </summary>
internal sealed class RegistryClient : IDisposable
{
    public const string TagSystem = "https://fhirmh.org/fhir/CodeSystem/registry-tag";
    public const string RulesPath = "/fhir/Binary/patient-match-rules";

    private static readonly MediaTypeHeaderValue FhirJson = MediaTypeHeaderValue.Parse("application/fhir+json");
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly HttpClient _http;

    public RegistryClient(string baseUrl, int connections)
    {
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = Timeout.InfiniteTimeSpan, // each call sets its own deadline
        };
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
    }

    /// <summary>
    /// Asks <c>$match</c> about a made-up Patient on the empty registry, so that a server without the
    /// client registry stops the benchmark at once instead of after thousands of registrations.
    /// </summary>
    /// <exception cref="RegistryContractException">No searchset Bundle came back.</exception>
    public async Task CheckRegistryAsync(CancellationToken cancellationToken)
    {
        var probe = new JsonObject
        {
            ["resourceType"] = "Patient",
            ["name"] = new JsonArray(new JsonObject { ["family"] = "Probe", ["given"] = new JsonArray("Registry") }),
            ["birthDate"] = "1970-01-01",
        };
        var (status, body) = await SendAsync(HttpMethod.Post, "/fhir/Patient/$match", MatchParameters(probe, count: 1), Deadline, cancellationToken);
        if (status != HttpStatusCode.OK || ParseObject(body)?["resourceType"]?.GetValue<string>() != "Bundle")
        {
            throw new RegistryContractException(
                $"POST /fhir/Patient/$match answered {(int)status} {Excerpt(body)}: this server has no client registry (the benchmark needs the registry branch merged).");
        }
    }

    /// <summary>Registers one record by conditional update; returns the failure, or <c>null</c> when it was stored.</summary>
    public async Task<string?> RegisterAsync(PersonRecord record, string country, CancellationToken cancellationToken)
    {
        var path = PatientMapping.ConditionalUpdatePath(record);
        try
        {
            var (status, body) = await SendAsync(HttpMethod.Put, path, PatientMapping.ToPatient(record, country).ToJsonString(PatientMapping.Json), Deadline, cancellationToken);
            return (int)status is >= 200 and < 300 ? null : $"PUT {path} answered {(int)status}: {Excerpt(body)}";
        }
        catch (RegistryContractException e)
        {
            return e.Message;
        }
    }

    /// <summary>Runs EM on the registry's data; the server stores a new version of the rules.</summary>
    public async Task<string> EstimateWeightsAsync(CancellationToken cancellationToken)
    {
        var (status, body) = await SendAsync(
            HttpMethod.Post, "/fhir/Patient/$estimate-weights", """{"resourceType":"Parameters","parameter":[{"name":"maxPairs","valueInteger":2000000}]}""", TimeSpan.FromMinutes(20), cancellationToken);
        return status == HttpStatusCode.OK
            ? body
            : throw new RegistryContractException($"POST /fhir/Patient/$estimate-weights answered {(int)status}: {Excerpt(body)}");
    }

    /// <summary>The matching rules document (JSON) stored in <c>Binary/patient-match-rules</c>.</summary>
    public async Task<string> ReadRulesAsync(CancellationToken cancellationToken)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, RulesPath, null, Deadline, cancellationToken);
        var data = status == HttpStatusCode.OK ? ParseObject(body)?["data"]?.GetValue<string>() : null;
        return data is not null
            ? Encoding.UTF8.GetString(Convert.FromBase64String(data))
            : throw new RegistryContractException($"GET {RulesPath} answered {(int)status} without base64 data: {Excerpt(body)}");
    }

    /// <summary>Installs a rules document.</summary>
    public async Task PutRulesAsync(string rules, CancellationToken cancellationToken)
    {
        var binary = new JsonObject
        {
            ["resourceType"] = "Binary",
            ["id"] = "patient-match-rules",
            ["contentType"] = "application/json",
            ["data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(rules)),
        };
        var (status, body) = await SendAsync(HttpMethod.Put, RulesPath, binary.ToJsonString(), Deadline, cancellationToken);
        if ((int)status is < 200 or >= 300)
        {
            throw new RegistryContractException($"PUT {RulesPath} answered {(int)status}: {Excerpt(body)}");
        }
    }

    /// <summary><c>_summary=count</c> of the Patients carrying one registry tag (source-record, golden-record, possible-duplicate).</summary>
    public async Task<long> CountTaggedAsync(string tagCode, CancellationToken cancellationToken)
    {
        var path = $"/fhir/Patient?_tag={Uri.EscapeDataString(TagSystem + "|" + tagCode)}&_summary=count";
        var (status, body) = await SendAsync(HttpMethod.Get, path, null, Deadline, cancellationToken);
        return status == HttpStatusCode.OK && ParseObject(body)?["total"] is { } total
            ? total.GetValue<long>()
            : throw new RegistryContractException($"GET {path} answered {(int)status} without a total: {Excerpt(body)}");
    }

    /// <summary>
    /// Every source Patient's golden record, keyed by its source identifier (<c>system|value</c>):
    /// the <c>refer</c> link's target id, <c>null</c> when it has none, and whether it is tagged
    /// possible-duplicate (read by a second search, as <c>_elements</c> need not keep meta.tag).
    /// </summary>
    public async Task<Dictionary<string, (string? GoldenId, bool IsUnderReview)>> ReadGoldenLinksAsync(
        IReadOnlySet<string> sourceSystems, CancellationToken cancellationToken)
    {
        var links = new Dictionary<string, (string? GoldenId, bool IsUnderReview)>(StringComparer.Ordinal);
        await foreach (var patient in SearchAsync("source-record", "identifier,link", cancellationToken))
        {
            var golden = patient["link"]?.AsArray()
                .Where(l => l?["type"]?.GetValue<string>() == "refer")
                .Select(l => l?["other"]?["reference"]?.GetValue<string>())
                .FirstOrDefault(r => r is not null && r.StartsWith("Patient/", StringComparison.Ordinal));
            foreach (var key in SourceKeys(patient, sourceSystems))
            {
                links[key] = (golden?["Patient/".Length..], false);
            }
        }

        await foreach (var patient in SearchAsync("possible-duplicate", "identifier", cancellationToken))
        {
            foreach (var key in SourceKeys(patient, sourceSystems))
            {
                links[key] = links.TryGetValue(key, out var link) ? link with { IsUnderReview = true } : (null, true);
            }
        }

        return links;
    }

    /// <summary>
    /// <c>$match</c> request body (https://hl7.org/fhir/R4/patient-operation-match.html): the Patient,
    /// onlyCertainMatches false, at most <paramref name="count"/> candidates.
    /// </summary>
    public static string MatchParameters(JsonObject patient, int count) =>
        new JsonObject
        {
            ["resourceType"] = "Parameters",
            ["parameter"] = new JsonArray(
                new JsonObject { ["name"] = "resource", ["resource"] = patient },
                new JsonObject { ["name"] = "onlyCertainMatches", ["valueBoolean"] = false },
                new JsonObject { ["name"] = "count", ["valueInteger"] = count }),
        }.ToJsonString(PatientMapping.Json);

    public void Dispose() => _http.Dispose();

    private async IAsyncEnumerable<JsonObject> SearchAsync(
        string tagCode, string elements, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? next = $"/fhir/Patient?_tag={Uri.EscapeDataString(TagSystem + "|" + tagCode)}&_count=1000&_elements={elements}";
        while (next is not null)
        {
            var (status, body) = await SendAsync(HttpMethod.Get, next, null, Deadline, cancellationToken);
            var bundle = status == HttpStatusCode.OK ? ParseObject(body) : null;
            if (bundle?["resourceType"]?.GetValue<string>() != "Bundle")
            {
                throw new RegistryContractException($"GET {next} answered {(int)status}: {Excerpt(body)}");
            }

            foreach (var entry in bundle["entry"]?.AsArray() ?? [])
            {
                if (entry?["resource"] is JsonObject resource)
                {
                    yield return resource;
                }
            }

            next = bundle["link"]?.AsArray()
                .FirstOrDefault(l => l?["relation"]?.GetValue<string>() == "next")?["url"]?.GetValue<string>();
        }
    }

    private static IEnumerable<string> SourceKeys(JsonObject patient, IReadOnlySet<string> sourceSystems) =>
        (patient["identifier"]?.AsArray() ?? [])
            .Select(i => (System: i?["system"]?.GetValue<string>(), Value: i?["value"]?.GetValue<string>()))
            .Where(i => i.System is not null && i.Value is not null && sourceSystems.Contains(i.System))
            .Select(i => i.System + "|" + i.Value);

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(
        HttpMethod method, string path, string? body, TimeSpan deadline, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = FhirJson;
        }

        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(timeout.Token));
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RegistryContractException($"{method} {path} got no answer within {deadline.TotalSeconds:0} s.", e);
        }
        catch (HttpRequestException e)
        {
            throw new RegistryContractException($"{method} {path} failed: {e.Message}", e);
        }
    }

    private static JsonObject? ParseObject(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Excerpt(string body) => body.Length > 500 ? body[..500] + "…" : body;
}
