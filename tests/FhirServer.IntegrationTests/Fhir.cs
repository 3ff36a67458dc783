using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>Small helpers for speaking FHIR over HTTP in tests, asserting on the wire format.</summary>
internal static class Fhir
{
    public const string JsonType = "application/fhir+json";
    public const string XmlType = "application/fhir+xml";

    public static StringContent Json(string json) => new(json, Encoding.UTF8, JsonType);

    public static StringContent Json(JsonNode node) => Json(node.ToJsonString());

    public static JsonObject Patient(string family, string? id = null)
    {
        var patient = new JsonObject
        {
            ["resourceType"] = "Patient",
            ["name"] = new JsonArray(new JsonObject { ["family"] = family, ["given"] = new JsonArray("Ada") }),
            ["gender"] = "female",
            ["birthDate"] = "1984-03-02",
        };
        if (id is not null)
        {
            patient["id"] = id;
        }

        return patient;
    }

    public static async Task<JsonObject> BodyAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    public static async Task<JsonObject> CreatePatientAsync(this HttpClient client, string family)
    {
        using var response = await client.PostAsync("/fhir/Patient", Json(Patient(family)));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await response.BodyAsync();
    }

    public static Task<HttpResponseMessage> PutAsync(this HttpClient client, string url, JsonNode body, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = Json(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return client.SendAsync(request);
    }

    /// <summary>Sends a request with one extra header (a precondition or a preference).</summary>
    public static async Task<HttpResponseMessage> SendWithHeaderAsync(
        this HttpClient client, HttpMethod method, string url, JsonNode? body, string header, string value)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : Json(body) };
        request.Headers.TryAddWithoutValidation(header, value);
        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> GetAsync(this HttpClient client, string url, string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        return client.SendAsync(request);
    }

    /// <summary>The single issue of an OperationOutcome body, checking that it is one.</summary>
    public static async Task<JsonObject> SingleIssueAsync(this HttpResponseMessage response)
    {
        Assert.StartsWith(JsonType, response.Content.Headers.ContentType?.ToString());
        var outcome = await response.BodyAsync();
        Assert.Equal("OperationOutcome", (string?)outcome["resourceType"]);
        return Assert.Single(outcome["issue"]!.AsArray())!.AsObject();
    }

    /// <summary>
    /// A search with <c>Prefer: handling=strict</c>, so that a parameter the server does not know is
    /// a 400 rather than silently ignored (search.html#errors); the searchset Bundle it returns.
    /// </summary>
    public static async Task<JsonObject> SearchStrictAsync(this HttpClient client, string relative)
    {
        using var response = await client.SendWithHeaderAsync(HttpMethod.Get, "/fhir/" + relative, body: null, "Prefer", "handling=strict");
        var body = await response.BodyAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"{relative}: {body.ToJsonString()}");
        Assert.Equal("searchset", (string?)body["type"]);
        return body;
    }

    /// <summary>The ids of a searchset's entries of one search mode (match or include), in order.</summary>
    public static List<string> Ids(this JsonObject bundle, string mode) =>
        (bundle["entry"]?.AsArray() ?? [])
            .Where(e => (string?)e!["search"]!["mode"] == mode)
            .Select(e => (string)e!["resource"]!["id"]!)
            .ToList();

    public static string Id(this JsonObject resource) => (string)resource["id"]!;

    public static string VersionId(this JsonObject resource) => (string)resource["meta"]!["versionId"]!;
}
