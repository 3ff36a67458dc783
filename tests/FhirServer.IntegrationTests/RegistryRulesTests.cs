using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// The matching rules as data (issue #6): weights learned from the registry's own records with
/// Patient/$estimate-weights and stored as the next version of Binary/patient-match-rules, and
/// rule changes that would leave the stored records unreachable refused. As a class fixture, the
/// server and database are this class's own, so the rules these tests change touch no other test.
/// </summary>
public abstract class RegistryRulesTests(StorageFixture fixture)
{
    private const string Rules = "/fhir/Binary/patient-match-rules";

    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task EstimateWeights_LearnsFromTheRegistry_AndStoresTheNextVersion()
    {
        await RegisterPeopleAsync();

        using var response = await _client.PostAsync("/fhir/Patient/$estimate-weights", Fhir.Json(Parameters(("maxPairs", 100_000))));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var parameters = (await response.BodyAsync())["parameter"]!.AsArray();
        var version = (string?)parameters.Single(p => (string?)p!["name"] == "version")!["valueString"];
        Assert.True((int)parameters.Single(p => (string?)p!["name"] == "pairs")!["valueInteger"]! > 0);
        var stored = await StoredRulesAsync();
        Assert.Equal(version, (string?)stored["version"]);
        Assert.NotEqual("1", version);
    }

    [Fact]
    public async Task EstimateWeights_MaxPairsOutOfRange_Is400_AndGet_Is405()
    {
        using var zero = await _client.PostAsync("/fhir/Patient/$estimate-weights", Fhir.Json(Parameters(("maxPairs", 0))));
        using var get = await _client.GetAsync("/fhir/Patient/$estimate-weights");

        Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);
        Assert.Equal("maxPairs", (string?)(await zero.SingleIssueAsync())["expression"]![0]);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
    }

    [Fact]
    public async Task NewBlocking_WhileTheRegistryHoldsRecords_Is422()
    {
        await RegisterPeopleAsync();
        var rules = await CurrentRulesAsync();
        rules["blocking"]!.AsArray().RemoveAt(0);

        using var response = await PutRulesAsync(rules);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("blocking", (string?)(await response.SingleIssueAsync())["diagnostics"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewTextMeasure_WhileTheRegistryHoldsRecords_IsStored()
    {
        await RegisterPeopleAsync();
        var rules = await CurrentRulesAsync();
        rules["version"] = "measure-" + Guid.NewGuid().ToString("N")[..8];
        rules["fields"]!.AsArray().Single(f => (string?)f!["name"] == "city")!["measure"] = "damerauLevenshtein";

        using var response = await PutRulesAsync(rules);

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var stored = (await StoredRulesAsync())["fields"]!.AsArray().Single(f => (string?)f!["name"] == "city")!;
        Assert.Equal("damerauLevenshtein", (string?)stored["measure"]);
    }

    [Fact]
    public async Task NewFieldPath_WhileTheRegistryHoldsRecords_Is422()
    {
        await RegisterPeopleAsync();
        var rules = await CurrentRulesAsync();
        rules["fields"]!.AsArray().Single(f => (string?)f!["name"] == "city")!["path"] = "Patient.address.district";

        using var response = await PutRulesAsync(rules);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("fields differ", (string?)(await response.SingleIssueAsync())["diagnostics"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewThresholds_AreUsedByTheNextRegistration()
    {
        var rules = await CurrentRulesAsync();
        var version = "thresholds-" + Guid.NewGuid().ToString("N")[..8];
        rules["version"] = version;
        rules["upperThreshold"] = 30;

        using var put = await PutRulesAsync(rules);
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        var source = await RegisterAsync(Person(Guid.NewGuid().ToString("N")[..10], "Rulesfam" + Guid.NewGuid().ToString("N")[..6]));

        var refer = source["link"]!.AsArray().Single(l => (string?)l!["type"] == "refer")!;
        var details = refer["extension"]![0]!["extension"]!.AsArray();
        Assert.Equal(version, (string?)details.Single(e => (string?)e!["url"] == "ruleVersion")!["valueString"]);
    }

    [Fact]
    public async Task VersionLongerThan64_Is422()
    {
        var rules = await CurrentRulesAsync();
        rules["version"] = new string('v', 65);

        using var response = await PutRulesAsync(rules);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("Binary.data", (string?)(await response.SingleIssueAsync())["expression"]![0]);
    }

    private async Task RegisterPeopleAsync()
    {
        for (var i = 0; i < 6; i++)
        {
            var family = "Estim" + Guid.NewGuid().ToString("N")[..6];
            await RegisterAsync(Person("a" + Guid.NewGuid().ToString("N")[..10], family));
            await RegisterAsync(Person("b" + Guid.NewGuid().ToString("N")[..10], family));
        }
    }

    private async Task<JsonObject> RegisterAsync(JsonObject patient)
    {
        using var response = await _client.PostAsync("/fhir/Patient", Fhir.Json(patient));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.BodyAsync();
    }

    /// <summary>The rules in force: the stored ones, or the built-in ones while none is stored.</summary>
    private async Task<JsonObject> CurrentRulesAsync()
    {
        using var response = await _client.GetAsync(Rules);
        return response.StatusCode == HttpStatusCode.OK
            ? await StoredRulesAsync()
            : JsonNode.Parse(FhirMh.Registries.ClientRegistry.DefaultRules.PatientJson)!.AsObject();
    }

    private async Task<JsonObject> StoredRulesAsync()
    {
        using var response = await _client.GetAsync(Rules);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var binary = await response.BodyAsync();
        return JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String((string)binary["data"]!)))!.AsObject();
    }

    private Task<HttpResponseMessage> PutRulesAsync(JsonObject rules) => _client.PutAsync(Rules, Fhir.Json(new JsonObject
    {
        ["resourceType"] = "Binary",
        ["id"] = "patient-match-rules",
        ["contentType"] = "application/json",
        ["data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(rules.ToJsonString())),
    }));

    private static JsonObject Parameters(params (string Name, int Value)[] values) => new()
    {
        ["resourceType"] = "Parameters",
        ["parameter"] = new JsonArray(values.Select(v => (JsonNode)new JsonObject { ["name"] = v.Name, ["valueInteger"] = v.Value }).ToArray()),
    };

    private static JsonObject Person(string key, string family) => new()
    {
        ["resourceType"] = "Patient",
        ["identifier"] = new JsonArray(new JsonObject { ["system"] = "https://clinic-r.example/mrn", ["value"] = key }),
        ["name"] = new JsonArray(new JsonObject { ["family"] = family, ["given"] = new JsonArray("Ruth") }),
        ["gender"] = "female",
        ["birthDate"] = "1977-05-06",
    };
}

public sealed class SqliteRegistryRulesTests(RegistrySqliteFixture fixture) : RegistryRulesTests(fixture), IClassFixture<RegistrySqliteFixture>;

public sealed class PostgresRegistryRulesTests(RegistryPostgresFixture fixture) : RegistryRulesTests(fixture), IClassFixture<RegistryPostgresFixture>;
