using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// SearchParameter resources stored in the server (searchparameter.html) and the background
/// re-indexing of existing resources. The fixture's own server runs no re-index worker, so a
/// job waits until a test starts a server that does: that makes "still indexing" observable.
/// Every test uses parameter codes and values of its own.
/// </summary>
public abstract class StoredSearchParameterTests(StorageFixture fixture)
{
    private const string MaidenNameUrl = "http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName";

    /// <summary>A server that works on jobs at once and checks the stored parameters on every request.</summary>
    private static readonly Dictionary<string, string> Worker = new()
    {
        ["Reindex:BatchSize"] = "50",
        ["Reindex:PollInterval"] = "00:00:00.050",
        ["Reindex:LeaseDuration"] = "00:00:10",
        ["StoredSearchParameters:RefreshInterval"] = "00:00:00",
    };

    private readonly HttpClient _client = fixture.CreateClient();
    private readonly string _unique = Guid.NewGuid().ToString("N")[..10];

    private string Code => $"mmn-{_unique}";

    [Fact]
    public async Task Create_ThenReindex_FindsResourcesWrittenBefore()
    {
        var smith1 = await CreatePatientAsync(_client, $"Smith{_unique}");
        var smith2 = await CreatePatientAsync(_client, $"Smith{_unique}ers");
        await CreatePatientAsync(_client, $"Jones{_unique}");
        await using var server = fixture.StartServer(Worker);

        var parameter = await CreateParameterAsync(_client, Code);
        var status = await WaitUntilDoneAsync(_client, parameter);

        Assert.Equal(new[] { smith1, smith2 }.Order(), (await SearchAsync(_client, $"Patient?{Code}=smith{_unique}")).Ids.Order());
        Assert.Equal([smith1], (await SearchAsync(_client, $"Patient?{Code}:exact=Smith{_unique}")).Ids);
        Assert.Equal((int?)status["total"], (int?)status["processed"]);
    }

    [Fact]
    public async Task WriteAfterCreate_IsFoundAtOnce_AndSearchWarnsUntilJobIsDone()
    {
        var before = await CreatePatientAsync(_client, $"Before{_unique}");
        var parameter = await CreateParameterAsync(_client, Code);
        var after = await CreatePatientAsync(_client, $"After{_unique}");

        // No server works on the job yet: the earlier patient is not indexed, the later one is.
        var during = await SearchAsync(_client, $"Patient?{Code}=after{_unique},before{_unique}");
        Assert.Equal([after], during.Ids);
        var warning = Assert.Single(during.Issues);
        Assert.Equal("incomplete", (string?)warning["code"]);
        Assert.Contains(parameter, (string?)warning["diagnostics"]);
        Assert.Equal("pending", (string?)(await StatusAsync(_client, parameter))["status"]);

        // Strict handling refuses unknown parameters, not incomplete ones.
        using var strict = await _client.SendWithHeaderAsync(HttpMethod.Get, $"/fhir/Patient?{Code}=after{_unique}", null, "Prefer", "handling=strict");
        Assert.Equal(HttpStatusCode.OK, strict.StatusCode);

        await using (fixture.StartServer(Worker))
        {
            await WaitUntilDoneAsync(_client, parameter);
        }

        var done = await SearchAsync(_client, $"Patient?{Code}=after{_unique},before{_unique}");
        Assert.Equal(new[] { after, before }.Order(), done.Ids.Order());
        Assert.Empty(done.Issues);
    }

    [Theory]
    [InlineData("Patient.extension('x').value.where(", "SearchParameter.expression")]
    [InlineData("Patient.extension('x').noSuchFunction()", "SearchParameter.expression")]
    [InlineData("Observation.value", "SearchParameter.expression")]
    [InlineData("", "SearchParameter.expression")]
    public async Task Create_WithUnusableExpression_Returns400(string expression, string element)
    {
        using var response = await _client.PostAsync("/fhir/SearchParameter", Fhir.Json(SearchParameter(Code, expression)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal(element, (string?)issue["expression"]![0]);
    }

    [Fact]
    public async Task Create_WithCodeOfBuiltInParameter_Returns422()
    {
        using var response = await _client.PostAsync("/fhir/SearchParameter", Fhir.Json(SearchParameter("family", "Patient.name.family")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("SearchParameter.code", (string?)(await response.SingleIssueAsync())["expression"]![0]);
    }

    [Fact]
    public async Task Create_WithCodeOfAnotherStoredParameter_Returns422()
    {
        var first = await CreateParameterAsync(_client, Code);

        using var response = await _client.PostAsync("/fhir/SearchParameter", Fhir.Json(SearchParameter(Code, $"Patient.extension('{MaidenNameUrl}').value")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var delete = await _client.DeleteAsync($"/fhir/SearchParameter/{first}");
    }

    [Fact]
    public async Task Job_StoppedMidway_IsFinishedByAnotherServerFromItsCursor()
    {
        var ids = new List<string>();
        // Enough rows, slowly enough, that the job cannot finish while the slow server shuts down.
        for (var i = 0; i < 12; i++)
        {
            ids.Add(await CreatePatientAsync(_client, $"Resume{_unique}"));
        }

        var parameter = await CreateParameterAsync(_client, Code);
        var slow = new Dictionary<string, string>(Worker) { ["Reindex:BatchSize"] = "1", ["Reindex:BatchDelay"] = "00:00:00.300" };
        await using (fixture.StartServer(slow))
        {
            await WaitForAsync(_client, parameter, s => (int?)s["processed"] >= 2);
        }

        var stopped = await StatusAsync(_client, parameter);
        Assert.Equal("running", (string?)stopped["status"]);
        Assert.True((int)stopped["processed"]! < (int)stopped["total"]!);

        await using (fixture.StartServer(Worker))
        {
            var done = await WaitUntilDoneAsync(_client, parameter);

            // Resumed at the cursor: no row was counted twice.
            Assert.Equal((int)done["total"]!, (int)done["processed"]!);
            Assert.Equal((int)stopped["total"]!, (int)done["total"]!);
        }

        Assert.Equal(ids.Order(), (await SearchAsync(_client, $"Patient?{Code}=resume{_unique}&_count=100")).Ids.Order());
    }

    [Fact]
    public async Task ParameterCreatedThroughOneServer_IsUsedByAnother()
    {
        await using var first = fixture.StartServer(Worker);
        await using var second = fixture.StartServer(Worker);
        var a = first.CreateClient();
        var b = second.CreateClient();
        var unknown = await SearchAsync(b, $"Patient?{Code}=x");
        Assert.Contains("not a search parameter", (string?)Assert.Single(unknown.Issues)["diagnostics"]);

        var parameter = await CreateParameterAsync(a, Code);
        var patient = await CreatePatientAsync(b, $"Other{_unique}");

        Assert.Equal([patient], (await SearchAsync(b, $"Patient?{Code}=other{_unique}")).Ids);
        Assert.Equal([patient], (await SearchAsync(a, $"Patient?{Code}=other{_unique}")).Ids);
        await WaitUntilDoneAsync(b, parameter);
        using var metadata = await b.GetAsync("/fhir/metadata");
        var patientType = (await metadata.BodyAsync())["rest"]![0]!["resource"]!.AsArray().Single(r => (string?)r!["type"] == "Patient")!;
        Assert.Contains(patientType["searchParam"]!.AsArray(), p => (string?)p!["name"] == Code);
    }

    [Fact]
    public async Task Retire_MakesTheCodeUnknownAgain()
    {
        var parameter = await CreateParameterAsync(_client, Code);
        var patient = await CreatePatientAsync(_client, $"Retire{_unique}");
        Assert.Equal([patient], (await SearchAsync(_client, $"Patient?{Code}=retire{_unique}")).Ids);

        var retired = SearchParameter(Code, $"Patient.extension('{MaidenNameUrl}').value", status: "retired");
        retired["id"] = parameter;
        using var update = await _client.PutAsync($"/fhir/SearchParameter/{parameter}", retired, ifMatch: null);
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);

        using var strict = await _client.SendWithHeaderAsync(HttpMethod.Get, $"/fhir/Patient?{Code}=retire{_unique}", null, "Prefer", "handling=strict");
        Assert.Equal(HttpStatusCode.BadRequest, strict.StatusCode);
        Assert.Equal("not-indexed", (string?)(await StatusAsync(_client, parameter))["status"]);
    }

    [Fact]
    public async Task Delete_MakesTheCodeUnknownAgain()
    {
        var parameter = await CreateParameterAsync(_client, Code);
        using var delete = await _client.DeleteAsync($"/fhir/SearchParameter/{parameter}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        var search = await SearchAsync(_client, $"Patient?{Code}=x");

        Assert.Contains("not a search parameter", (string?)Assert.Single(search.Issues)["diagnostics"]);
    }

    [Fact]
    public async Task ReindexStatus_OfUnknownParameter_Returns404()
    {
        using var response = await _client.GetAsync($"/fhir/SearchParameter/none{_unique}/$reindex-status");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static JsonObject SearchParameter(string code, string expression, string status = "active") => new()
    {
        ["resourceType"] = "SearchParameter",
        ["url"] = $"http://example.org/fhir/SearchParameter/{code}",
        ["name"] = code,
        ["status"] = status,
        ["description"] = "The mother's maiden name of a patient",
        ["code"] = code,
        ["base"] = new JsonArray("Patient"),
        ["type"] = "string",
        ["expression"] = expression,
    };

    private static async Task<string> CreateParameterAsync(HttpClient client, string code)
    {
        using var response = await client.PostAsync("/fhir/SearchParameter", Fhir.Json(SearchParameter(code, $"Patient.extension('{MaidenNameUrl}').value")));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.BodyAsync()).Id();
    }

    private static async Task<string> CreatePatientAsync(HttpClient client, string maidenName)
    {
        var patient = Fhir.Patient("Doe");
        patient["extension"] = new JsonArray(new JsonObject { ["url"] = MaidenNameUrl, ["valueString"] = maidenName });
        using var response = await client.PostAsync("/fhir/Patient", Fhir.Json(patient));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.BodyAsync()).Id();
    }

    private static async Task<(List<string> Ids, List<JsonObject> Issues)> SearchAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync($"/fhir/{url}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = (await response.BodyAsync())["entry"]?.AsArray().Select(e => e!.AsObject()).ToList() ?? [];
        var ids = entries.Where(e => (string?)e["search"]!["mode"] == "match").Select(e => e["resource"]!.AsObject().Id()).ToList();
        var issues = entries.Where(e => (string?)e["search"]!["mode"] == "outcome")
            .SelectMany(e => e["resource"]!["issue"]!.AsArray().Select(i => i!.AsObject()))
            .ToList();
        return (ids, issues);
    }

    /// <summary>The $reindex-status Parameters as name to value (the value[x] of each part).</summary>
    private static async Task<Dictionary<string, JsonNode?>> StatusAsync(HttpClient client, string parameter)
    {
        using var response = await client.GetAsync($"/fhir/SearchParameter/{parameter}/$reindex-status");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = new Dictionary<string, JsonNode?>();
        foreach (var part in (await response.BodyAsync())["parameter"]!.AsArray())
        {
            var value = part!.AsObject().First(p => p.Key.StartsWith("value", StringComparison.Ordinal)).Value;
            result[(string)part["name"]!] = value?.DeepClone();
        }

        return result;
    }

    private static Task<Dictionary<string, JsonNode?>> WaitUntilDoneAsync(HttpClient client, string parameter) =>
        WaitForAsync(client, parameter, s => (string?)s["status"] == "done");

    private static async Task<Dictionary<string, JsonNode?>> WaitForAsync(HttpClient client, string parameter, Func<Dictionary<string, JsonNode?>, bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await StatusAsync(client, parameter);
            if (condition(status))
            {
                return status;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"SearchParameter/{parameter}: {string.Join(", ", status.Select(s => $"{s.Key}={s.Value}"))}");
            await Task.Delay(50);
        }
    }
}

public sealed class SqliteStoredSearchParameterTests(ReindexSqliteFixture fixture) : StoredSearchParameterTests(fixture), IClassFixture<ReindexSqliteFixture>;

public sealed class PostgresStoredSearchParameterTests(ReindexPostgresFixture fixture) : StoredSearchParameterTests(fixture), IClassFixture<ReindexPostgresFixture>;
