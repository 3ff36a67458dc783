using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// Terminology for the terminology tests: a small is-a code system with nested concepts and a
/// <c>parent</c> property, and a value set of all of it, each under a URL of its own per test.
/// </summary>
internal static class TerminologyContent
{
    /// <summary>
    /// disorder > depression > major-depression; disorder > bipolar; anxiety; panic, whose
    /// <c>parent</c> property puts it under anxiety. Six codes, in this order when flattened.
    /// </summary>
    public static JsonObject MoodCodeSystem(string url) => new()
    {
        ["resourceType"] = "CodeSystem",
        ["url"] = url,
        ["version"] = "1",
        ["name"] = "MoodTest",
        ["status"] = "active",
        ["content"] = "complete",
        ["caseSensitive"] = true,
        ["hierarchyMeaning"] = "is-a",
        ["property"] = new JsonArray(new JsonObject { ["code"] = "parent", ["uri"] = "http://hl7.org/fhir/concept-properties#parent", ["type"] = "code" }),
        ["concept"] = new JsonArray(
            Concept("disorder", "Mood disorder", Concept("depression", "Depressive disorder", Concept("major-depression", "Major depressive disorder")), Concept("bipolar", "Bipolar disorder")),
            Concept("anxiety", "Anxiety disorder"),
            new JsonObject
            {
                ["code"] = "panic",
                ["display"] = "Panic disorder",
                ["definition"] = "Recurrent unexpected panic attacks.",
                ["designation"] = new JsonArray(new JsonObject { ["language"] = "fr", ["value"] = "Trouble panique" }),
                ["property"] = new JsonArray(new JsonObject { ["code"] = "parent", ["valueCode"] = "anxiety" }),
            }),
    };

    public static readonly string[] MoodCodes = ["disorder", "depression", "major-depression", "bipolar", "anxiety", "panic"];

    public static JsonObject ValueSetOf(string url, string system) => new()
    {
        ["resourceType"] = "ValueSet",
        ["url"] = url,
        ["status"] = "active",
        ["compose"] = new JsonObject { ["include"] = new JsonArray(new JsonObject { ["system"] = system }) },
    };

    /// <summary>A URL no other test uses, e.g. https://example.org/fhir/CodeSystem/mood-1a2b3c.</summary>
    public static string NewUrl(string type, string name) => $"https://example.org/fhir/{type}/{name}-{Guid.NewGuid():N}";

    public static async Task<string> CreateAsync(this HttpClient client, JsonObject resource)
    {
        using var response = await client.PostAsync($"/fhir/{(string)resource["resourceType"]!}", Fhir.Json(resource));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.BodyAsync()).Id();
    }

    public static async Task<JsonObject> GetOkAsync(this HttpClient client, string relative)
    {
        using var response = await client.GetAsync("/fhir/" + relative);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.BodyAsync();
    }

    public static async Task<JsonObject> PostOkAsync(this HttpClient client, string relative, JsonObject parameters)
    {
        using var response = await client.PostAsync("/fhir/" + relative, Fhir.Json(parameters));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.BodyAsync();
    }

    public static JsonObject Parameters(params (string Name, string ValueKey, JsonNode Value)[] parameters) => new()
    {
        ["resourceType"] = "Parameters",
        ["parameter"] = new JsonArray(parameters.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, [p.ValueKey] = p.Value.DeepClone() }).ToArray()),
    };

    /// <summary>The single issue of an error response, with its status checked.</summary>
    public static async Task<JsonObject> IssueAsync(this HttpClient client, string relative, HttpStatusCode status)
    {
        using var response = await client.GetAsync("/fhir/" + relative);
        Assert.Equal(status, response.StatusCode);
        return await response.SingleIssueAsync();
    }

    /// <summary>The values of the output parameters named <paramref name="name"/>, as JSON.</summary>
    public static List<JsonNode> Outputs(this JsonObject parameters, string name) =>
        (parameters["parameter"]?.AsArray() ?? []).Where(p => (string?)p!["name"] == name).Select(p => p!).ToList();

    /// <summary>The value[x] of the single output parameter named <paramref name="name"/>, as text.</summary>
    public static string? Output(this JsonObject parameters, string name) =>
        parameters.Outputs(name).SingleOrDefault()?.AsObject().FirstOrDefault(p => p.Key.StartsWith("value", StringComparison.Ordinal)).Value?.ToString();

    /// <summary>The codes of an expansion, nested ones after their parent.</summary>
    public static List<string> Codes(this JsonObject valueSet) => Flatten(valueSet["expansion"]!["contains"]?.AsArray() ?? []).ToList();

    private static IEnumerable<string> Flatten(JsonArray contains)
    {
        foreach (var concept in contains)
        {
            yield return (string)concept!["code"]!;
            foreach (var nested in Flatten(concept["contains"]?.AsArray() ?? []))
            {
                yield return nested;
            }
        }
    }

    private static JsonObject Concept(string code, string display, params JsonObject[] children)
    {
        var concept = new JsonObject { ["code"] = code, ["display"] = display };
        if (children.Length > 0)
        {
            concept["concept"] = new JsonArray(children.Select(c => (JsonNode)c).ToArray());
        }

        return concept;
    }
}
