using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>capabilities, health and the API description.</summary>
public abstract class ServerTests(StorageFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task Metadata_ReturnsR4CapabilityStatementForEveryResourceType()
    {
        using var response = await _client.GetAsync("/fhir/metadata");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var statement = await response.BodyAsync();
        Assert.Equal("CapabilityStatement", (string?)statement["resourceType"]);
        Assert.Equal("4.0.1", (string?)statement["fhirVersion"]);
        var resources = statement["rest"]![0]!["resource"]!.AsArray();
        Assert.Equal(Hl7.Fhir.Model.ModelInfo.SupportedResources.Count, resources.Count);
        Assert.Contains(resources, r => (string?)r!["type"] == "QuestionnaireResponse");
        var systemCodes = statement["rest"]![0]!["interaction"]!.AsArray().Select(i => (string)i!["code"]!).ToList();
        Assert.Equal(["transaction", "batch", "search-system", "history-system"], systemCodes.OrderBy(c => c switch { "transaction" => 0, "batch" => 1, "search-system" => 2, _ => 3 }));
    }

    [Fact]
    public async Task Metadata_ClaimsSearchConditionalWritesAndJsonPatch()
    {
        using var response = await _client.GetAsync("/fhir/metadata");

        var statement = await response.BodyAsync();
        Assert.Equal("application/json-patch+json", (string?)statement["patchFormat"]![0]);
        var patient = PatientResource(statement);
        var codes = patient["interaction"]!.AsArray().Select(i => (string)i!["code"]!).ToList();
        Assert.Contains("search-type", codes);
        Assert.Contains("patch", codes);
        Assert.Equal("single", (string?)patient["conditionalDelete"]);
        Assert.True((bool?)patient["conditionalCreate"]);
        var birthdate = patient["searchParam"]!.AsArray().Single(p => (string?)p!["name"] == "birthdate")!;
        Assert.Equal("date", (string?)birthdate["type"]);
    }

    [Fact]
    public async Task Metadata_EveryClaimedPatientAndSystemInteractionAnswersOnItsRoute()
    {
        using var metadata = await _client.GetAsync("/fhir/metadata");
        var statement = await metadata.BodyAsync();
        var codes = PatientResource(statement)["interaction"]!.AsArray()
            .Concat(statement["rest"]![0]!["interaction"]!.AsArray())
            .Select(i => (string)i!["code"]!)
            .ToList();
        var id = (await _client.CreatePatientAsync("Capable")).Id();

        foreach (var code in codes)
        {
            using var response = code switch
            {
                "read" => await _client.GetAsync($"/fhir/Patient/{id}"),
                "vread" => await _client.GetAsync($"/fhir/Patient/{id}/_history/1"),
                "update" => await _client.PutAsync($"/fhir/Patient/{id}", Fhir.Patient("Capable", id), ifMatch: null),
                "history-instance" => await _client.GetAsync($"/fhir/Patient/{id}/_history"),
                "history-type" => await _client.GetAsync("/fhir/Patient/_history?_count=1"),
                "create" => await _client.PostAsync("/fhir/Patient", Fhir.Json(Fhir.Patient("Capable"))),
                "patch" => await _client.PatchAsync($"/fhir/Patient/{id}", new StringContent("""[{"op":"add","path":"/active","value":true}]""", System.Text.Encoding.UTF8, "application/json-patch+json")),
                "delete" => await _client.DeleteAsync("/fhir/Patient/" + (await _client.CreatePatientAsync("Capable")).Id()),
                "search-type" => await _client.GetAsync($"/fhir/Patient?_id={id}"),
                "history-system" => await _client.GetAsync("/fhir/_history?_count=1"),
                "search-system" => await _client.GetAsync($"/fhir?_type=Patient&_id={id}"),
                "transaction" => await _client.PostBundleAsync(BundleJson.Of("transaction", BundleJson.Entry("POST", "Patient", Fhir.Patient("Capable")))),
                "batch" => await _client.PostBundleAsync(BundleJson.Of("batch", BundleJson.Entry("GET", $"Patient/{id}"))),
                _ => throw new Xunit.Sdk.XunitException($"The CapabilityStatement claims '{code}', which this test does not know how to call."),
            };
            Assert.True(response.IsSuccessStatusCode, $"{code} answered {response.StatusCode}");
        }
    }

    [Fact]
    public async Task Metadata_InXml_IsServed()
    {
        using var response = await _client.GetAsync("/fhir/metadata?_format=xml");

        Assert.Equal("application/fhir+xml; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Contains("<CapabilityStatement", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HealthAndReadiness_DatabaseUp_Return200()
    {
        using var alive = await _client.GetAsync("/healthz");
        using var ready = await _client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Swagger_Requested_DescribesTheFhirEndpoints()
    {
        using var document = await _client.GetAsync("/swagger/v1/swagger.json");
        using var ui = await _client.GetAsync("/swagger/index.html");

        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        var paths = (await document.BodyAsync())["paths"]!.AsObject();
        Assert.True(paths.ContainsKey("/fhir/{type}/{id}"));
        Assert.True(paths.ContainsKey("/fhir/{type}/{id}/_history/{vid}"));
        Assert.True(paths.ContainsKey("/fhir/metadata"));
        Assert.True(paths.ContainsKey("/fhir"));
    }

    private static JsonObject PatientResource(JsonObject statement) =>
        statement["rest"]![0]!["resource"]!.AsArray().Single(r => (string?)r!["type"] == "Patient")!.AsObject();
}

public sealed class SqliteServerTests(SqliteFixture fixture) : ServerTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresServerTests(PostgresFixture fixture) : ServerTests(fixture), IClassFixture<PostgresFixture>;
