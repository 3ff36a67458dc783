using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>Patient/[id]/$everything (patient-operation-everything.html).</summary>
public abstract class EverythingTests(StorageFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task Everything_ReturnsPatientCompartmentAndReferencedResources()
    {
        var practitioner = await CreateAsync(new JsonObject { ["resourceType"] = "Practitioner", ["name"] = new JsonArray(new JsonObject { ["family"] = "Rivers" }) });
        var patient = await CreateAsync(new JsonObject { ["resourceType"] = "Patient", ["name"] = new JsonArray(new JsonObject { ["family"] = "Everyone" }) });
        var observation = await CreateAsync(Observation(patient, practitioner));
        var condition = await CreateAsync(new JsonObject
        {
            ["resourceType"] = "Condition",
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
            ["code"] = new JsonObject { ["text"] = "Depression" },
        });
        var otherPatient = await CreateAsync(new JsonObject { ["resourceType"] = "Patient", ["active"] = true });
        await CreateAsync(Observation(otherPatient, practitioner));

        var bundle = await GetAsync($"Patient/{patient}/$everything");

        Assert.Equal([$"Patient/{patient}", $"Observation/{observation}", $"Condition/{condition}"], Keys(bundle, "match"));
        Assert.Equal([$"Practitioner/{practitioner}"], Keys(bundle, "include"));
    }

    [Fact]
    public async Task Everything_TypeAndPaging_FollowTheParameters()
    {
        var patient = await CreateAsync(new JsonObject { ["resourceType"] = "Patient", ["active"] = true });
        var observations = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            observations.Add($"Observation/{await CreateAsync(Observation(patient, null))}");
        }

        var first = await GetAsync($"Patient/{patient}/$everything?_type=Observation&_count=2");
        var next = (string)first["link"]!.AsArray().Single(l => (string?)l!["relation"] == "next")!["url"]!;
        var second = await GetAsync(new Uri(next).PathAndQuery["/fhir/".Length..]);

        Assert.Equal(observations, Keys(first, "match").Concat(Keys(second, "match")));
    }

    [Fact]
    public async Task Everything_UnknownPatient_Returns404()
    {
        using var response = await _client.GetAsync("/fhir/Patient/nobody-here/$everything");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static JsonObject Observation(string patient, string? practitioner)
    {
        var observation = new JsonObject
        {
            ["resourceType"] = "Observation",
            ["status"] = "final",
            ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = "44261-6" }) },
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
        };
        if (practitioner is not null)
        {
            observation["performer"] = new JsonArray(new JsonObject { ["reference"] = $"Practitioner/{practitioner}" });
        }

        return observation;
    }

    private Task<string> CreateAsync(JsonObject resource) => _client.CreateAsync(resource);

    private Task<JsonObject> GetAsync(string relative) => _client.GetOkAsync(relative);

    private static List<string> Keys(JsonObject bundle, string mode) =>
        (bundle["entry"]?.AsArray() ?? [])
            .Where(e => (string?)e!["search"]!["mode"] == mode)
            .Select(e => $"{(string)e!["resource"]!["resourceType"]!}/{(string)e["resource"]!["id"]!}")
            .ToList();
}

public sealed class SqliteEverythingTests(SqliteFixture fixture) : EverythingTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresEverythingTests(PostgresFixture fixture) : EverythingTests(fixture), IClassFixture<PostgresFixture>;
