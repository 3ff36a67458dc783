using System.Net;
using System.Text;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>patch with JSON Patch (http.html#patch, RFC 6902).</summary>
public abstract class PatchTests(StorageFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task Patch_ReplaceAndAdd_WritesTheNextVersion()
    {
        var id = (await _client.CreatePatientAsync("Hypatia")).Id();

        using var response = await PatchAsync(id, """
            [{"op":"replace","path":"/name/0/family","value":"Alexandria"},
             {"op":"add","path":"/active","value":true}]
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("W/\"2\"", response.Headers.ETag?.ToString());
        var body = await response.BodyAsync();
        Assert.Equal("Alexandria", (string?)body["name"]![0]!["family"]);
        Assert.True((bool)body["active"]!);
        Assert.Equal("1984-03-02", (string?)body["birthDate"]);
        using var history = await _client.GetAsync($"/fhir/Patient/{id}/_history");
        Assert.Equal("PATCH", (string?)(await history.BodyAsync())["entry"]![0]!["request"]!["method"]);
    }

    [Fact]
    public async Task Patch_StaleIfMatch_Returns412()
    {
        var id = (await _client.CreatePatientAsync("Agnesi")).Id();
        using var first = await PatchAsync(id, """[{"op":"add","path":"/active","value":true}]""");

        using var response = await PatchAsync(id, """[{"op":"add","path":"/active","value":false}]""", ifMatch: "W/\"1\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
    }

    [Fact]
    public async Task Patch_FailedTestOperation_Returns409AndWritesNothing()
    {
        var id = (await _client.CreatePatientAsync("Bassi")).Id();

        using var response = await PatchAsync(id, """
            [{"op":"test","path":"/gender","value":"male"},{"op":"replace","path":"/gender","value":"other"}]
            """);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("test", (string?)(await response.SingleIssueAsync())["diagnostics"]);
        using var read = await _client.GetAsync($"/fhir/Patient/{id}");
        var current = await read.BodyAsync();
        Assert.Equal("1", current.VersionId());
        Assert.Equal("female", (string?)current["gender"]);
    }

    [Fact]
    public async Task Patch_StaleIfMatchAndFailingTest_ReportsThePreconditionFirst()
    {
        var id = (await _client.CreatePatientAsync("Curie")).Id();
        using var first = await PatchAsync(id, """[{"op":"add","path":"/active","value":true}]""");

        using var response = await PatchAsync(id, """[{"op":"test","path":"/gender","value":"male"}]""", ifMatch: "W/\"1\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
    }

    [Fact]
    public async Task Patch_IfNoneMatchAnyOnExistingResource_Returns412()
    {
        var id = (await _client.CreatePatientAsync("Nobel")).Id();
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/fhir/Patient/{id}")
        {
            Content = new StringContent("""[{"op":"add","path":"/active","value":true}]""", Encoding.UTF8, "application/json-patch+json"),
        };
        request.Headers.TryAddWithoutValidation("If-None-Match", "*");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
    }

    [Fact]
    public async Task Patch_DuplicateKeysInDocument_Returns400()
    {
        var id = (await _client.CreatePatientAsync("Dupont")).Id();

        using var response = await PatchAsync(id, """[{"op":"add","op":"remove","path":"/active","value":true}]""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Patch_IfMatchWithForeignTag_Returns412()
    {
        var id = (await _client.CreatePatientAsync("Opaque")).Id();

        using var response = await PatchAsync(id, """[{"op":"add","path":"/active","value":true}]""", ifMatch: "\"abc\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
    }

    [Fact]
    public async Task Patch_ResultIsNotValidFhir_Returns422AtTheElement()
    {
        var id = (await _client.CreatePatientAsync("Cavendish")).Id();

        using var response = await PatchAsync(id, """[{"op":"replace","path":"/birthDate","value":"yesterday"}]""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("Patient.birthDate", (string?)(await response.SingleIssueAsync())["expression"]![0]);
    }

    [Fact]
    public async Task Patch_ChangingTheId_Returns422()
    {
        var id = (await _client.CreatePatientAsync("Herschel")).Id();

        using var response = await PatchAsync(id, """[{"op":"replace","path":"/id","value":"someone-else"}]""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("Patient.id", (string?)(await response.SingleIssueAsync())["expression"]![0]);
    }

    [Fact]
    public async Task Patch_MalformedDocument_Returns400NamingTheOperation()
    {
        var id = (await _client.CreatePatientAsync("Germain")).Id();

        using var response = await PatchAsync(id, """[{"op":"add","path":"/active","value":true},{"op":"delete","path":"/gender"}]""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("[1]", (string?)(await response.SingleIssueAsync())["expression"]![0]);
    }

    [Fact]
    public async Task Patch_PlainTextBody_Returns415()
    {
        var id = (await _client.CreatePatientAsync("Byron")).Id();
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/fhir/Patient/{id}")
        {
            Content = new StringContent("active=true", Encoding.UTF8, "text/plain"),
        };

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Patch_DeletedOrUnknownResource_Returns410Or404()
    {
        var id = (await _client.CreatePatientAsync("Maury")).Id();
        using var delete = await _client.DeleteAsync($"/fhir/Patient/{id}");

        using var deleted = await PatchAsync(id, """[{"op":"add","path":"/active","value":true}]""");
        using var unknown = await PatchAsync("never-" + Guid.NewGuid().ToString("N"), """[{"op":"add","path":"/active","value":true}]""");

        Assert.Equal(HttpStatusCode.Gone, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Patch_ConcurrentPatchesWithoutIfMatch_AreAllApplied()
    {
        const int writers = 6;
        var id = (await _client.CreatePatientAsync("Many")).Id();
        var second = fixture.CreateSecondServerClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, writers).Select(i =>
            PatchAsync(i % 2 == 0 ? _client : second, id, $$$"""[{"op":"add","path":"/name/-","value":{"family":"Alias-{{{i}}}"}}]""", ifMatch: null)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        using var read = await _client.GetAsync($"/fhir/Patient/{id}");
        var current = await read.BodyAsync();
        Assert.Equal((1 + writers).ToString(System.Globalization.CultureInfo.InvariantCulture), current.VersionId());
        var families = current["name"]!.AsArray().Select(n => (string)n!["family"]!).ToList();
        Assert.Equal(Enumerable.Range(0, writers).Select(i => $"Alias-{i}").Order(), families.Where(f => f.StartsWith("Alias-", StringComparison.Ordinal)).Order());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    private Task<HttpResponseMessage> PatchAsync(string id, string patch, string? ifMatch = null) => PatchAsync(_client, id, patch, ifMatch);

    private static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string id, string patch, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/fhir/Patient/{id}")
        {
            Content = new StringContent(patch, Encoding.UTF8, "application/json-patch+json"),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }
}

public sealed class SqlitePatchTests(SqliteFixture fixture) : PatchTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresPatchTests(PostgresFixture fixture) : PatchTests(fixture), IClassFixture<PostgresFixture>;
