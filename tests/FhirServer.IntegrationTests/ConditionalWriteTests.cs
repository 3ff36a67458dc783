using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>Conditional create, update, delete and patch (http.html#ccreate, #cond-update, #cdelete, #patch).</summary>
public abstract class ConditionalWriteTests(StorageFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();
    private readonly string _mrn = Guid.NewGuid().ToString("N");

    [Fact]
    public async Task ConditionalCreate_NoMatchCreates_OneMatchReturnsIt()
    {
        using var first = await CreateIfNoneExistAsync(_client);
        using var second = await CreateIfNoneExistAsync(_client);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((await first.BodyAsync()).Id(), (await second.BodyAsync()).Id());
        Assert.Single(await IdsAsync());
    }

    [Fact]
    public async Task ConditionalCreate_SeveralMatches_Returns412()
    {
        await _client.PostAsync("/fhir/Patient", Fhir.Json(Patient()));
        await _client.PostAsync("/fhir/Patient", Fhir.Json(Patient()));

        using var response = await CreateIfNoneExistAsync(_client);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal(2, (await IdsAsync()).Count);
    }

    [Fact]
    public async Task ConditionalCreate_32ConcurrentIdentical_MakeExactlyOneResource()
    {
        using var second = fixture.CreateSecondServerClient();
        var responses = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => CreateIfNoneExistAsync(i % 2 == 0 ? _client : second)));

        var others = responses.Where(r => r.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK)).ToList();
        Assert.True(others.Count == 0, string.Join("; ", await Task.WhenAll(others.Select(async r => $"{r.StatusCode}: {await r.Content.ReadAsStringAsync()}"))));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(31, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Single(await IdsAsync());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task ConditionalCreate_UnknownParameter_Returns400AndCreatesNothing()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/fhir/Patient") { Content = Fhir.Json(Patient()) };
        request.Headers.Add("If-None-Exist", $"shoe-size={_mrn}");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await IdsAsync());
    }

    [Fact]
    public async Task ConditionalUpdate_NoMatchCreates_OneMatchUpdatesIt()
    {
        using var created = await _client.PutAsync($"/fhir/Patient?identifier=http://example.org/mrn|{_mrn}", Fhir.Json(Patient("First")));
        using var updated = await _client.PutAsync($"/fhir/Patient?identifier=http://example.org/mrn|{_mrn}", Fhir.Json(Patient("Second")));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var body = await updated.BodyAsync();
        Assert.Equal((await created.BodyAsync()).Id(), body.Id());
        Assert.Equal("2", body.VersionId());
        Assert.Equal("Second", (string?)body["name"]![0]!["family"]);
    }

    [Fact]
    public async Task ConditionalDelete_OneMatch_DeletesIt_SeveralMatches412()
    {
        using var single = await _client.PostAsync("/fhir/Patient", Fhir.Json(Patient()));

        using var deleted = await _client.DeleteAsync($"/fhir/Patient?identifier=http://example.org/mrn|{_mrn}");
        await _client.PostAsync("/fhir/Patient", Fhir.Json(Patient()));
        await _client.PostAsync("/fhir/Patient", Fhir.Json(Patient()));
        using var several = await _client.DeleteAsync($"/fhir/Patient?identifier=http://example.org/mrn|{_mrn}");
        using var read = await _client.GetAsync($"/fhir/Patient/{(await single.BodyAsync()).Id()}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, read.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, several.StatusCode);
        Assert.Equal(2, (await IdsAsync()).Count);
    }

    [Fact]
    public async Task ConditionalDelete_WithoutCriteria_Returns400()
    {
        using var response = await _client.DeleteAsync("/fhir/Patient");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ConditionalPatch_OneMatch_PatchesIt()
    {
        using var created = await _client.PostAsync("/fhir/Patient", Fhir.Json(Patient()));
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/fhir/Patient?identifier=http://example.org/mrn|{_mrn}")
        {
            Content = new StringContent("""[{"op":"add","path":"/active","value":true}]""", System.Text.Encoding.UTF8, "application/json-patch+json"),
        };

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.BodyAsync();
        Assert.Equal((await created.BodyAsync()).Id(), body.Id());
        Assert.True((bool?)body["active"]);
    }

    private async Task<HttpResponseMessage> CreateIfNoneExistAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/fhir/Patient") { Content = Fhir.Json(Patient()) };
        request.Headers.Add("If-None-Exist", $"identifier=http://example.org/mrn|{_mrn}");
        return await client.SendAsync(request);
    }

    private JsonObject Patient(string family = "Conditional") => new()
    {
        ["resourceType"] = "Patient",
        ["identifier"] = new JsonArray(new JsonObject { ["system"] = "http://example.org/mrn", ["value"] = _mrn }),
        ["name"] = new JsonArray(new JsonObject { ["family"] = family }),
    };

    private async Task<List<string>> IdsAsync()
    {
        using var response = await _client.GetAsync($"/fhir/Patient?identifier=http://example.org/mrn|{_mrn}");
        var bundle = await response.BodyAsync();
        return (bundle["entry"]?.AsArray() ?? []).Select(e => (string)e!["resource"]!["id"]!).ToList();
    }
}

public sealed class SqliteConditionalWriteTests(SqliteFixture fixture) : ConditionalWriteTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresConditionalWriteTests(PostgresFixture fixture) : ConditionalWriteTests(fixture), IClassFixture<PostgresFixture>;
