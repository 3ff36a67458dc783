using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>Builds batch and transaction Bundles for tests, and reads their responses.</summary>
internal static class BundleJson
{
    public static JsonObject Of(string type, params JsonObject[] entries)
    {
        var bundle = new JsonObject { ["resourceType"] = "Bundle", ["type"] = type };
        if (entries.Length > 0)
        {
            // FHIR JSON has no empty arrays (json.html).
            bundle["entry"] = new JsonArray(entries.Select(e => (JsonNode)e).ToArray());
        }

        return bundle;
    }

    public static JsonObject Entry(string method, string url, JsonObject? resource = null, string? fullUrl = null, string? ifMatch = null)
    {
        var request = new JsonObject { ["method"] = method, ["url"] = url };
        if (ifMatch is not null)
        {
            request["ifMatch"] = ifMatch;
        }

        var entry = new JsonObject();
        if (fullUrl is not null)
        {
            entry["fullUrl"] = fullUrl;
        }

        if (resource is not null)
        {
            entry["resource"] = resource;
        }

        entry["request"] = request;
        return entry;
    }

    public static JsonObject Observation(string subject) => new()
    {
        ["resourceType"] = "Observation",
        ["status"] = "final",
        ["code"] = new JsonObject { ["text"] = "PHQ-9 total score" },
        ["subject"] = new JsonObject { ["reference"] = subject },
    };

    public static string NewUrn() => "urn:uuid:" + Guid.NewGuid();

    public static async Task<HttpResponseMessage> PostBundleAsync(this HttpClient client, JsonObject bundle, string? prefer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/fhir") { Content = Fhir.Json(bundle) };
        if (prefer is not null)
        {
            request.Headers.TryAddWithoutValidation("Prefer", prefer);
        }

        return await client.SendAsync(request);
    }

    public static List<JsonObject> Entries(this JsonObject bundle) =>
        bundle["entry"]?.AsArray().Select(e => e!.AsObject()).ToList() ?? [];

    public static string Status(this JsonObject entry) => (string)entry["response"]!["status"]!;

    /// <summary>The id in a response entry's location, e.g. <c>Patient/abc/_history/1</c> gives <c>abc</c>.</summary>
    public static string LocationId(this JsonObject entry) => ((string)entry["response"]!["location"]!).Split('/')[1];

    /// <summary>The families of the Patients written to the server since <paramref name="since"/>, from the type's history.</summary>
    public static async Task<List<string>> PatientFamiliesWrittenSinceAsync(this HttpClient client, DateTimeOffset since)
    {
        using var response = await client.GetAsync($"/fhir/Patient/_history?_count=1000&_since={Uri.EscapeDataString(since.ToString("o"))}");
        var history = await response.BodyAsync();
        return history.Entries()
            .Select(e => (string?)e["resource"]?["name"]?[0]?["family"])
            .OfType<string>()
            .ToList();
    }
}
