using System.Net;
using System.Text;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>Bad input: a located 4xx OperationOutcome, never a 500, and nothing stored.</summary>
public abstract class ErrorTests(StorageFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task Create_MalformedJson_Returns400WithLineAndPosition()
    {
        using var response = await _client.PostAsync("/fhir/Patient", Fhir.Json("{\"resourceType\":\"Patient\",\n\"name\":[{\"family\":\"X\"}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("structure", (string?)issue["code"]);
        Assert.Contains("line 2", (string?)issue["diagnostics"]);
    }

    [Fact]
    public async Task Create_InvalidDate_Returns400AtTheElement()
    {
        using var response = await _client.PostAsync("/fhir/Patient", Fhir.Json("""{"resourceType":"Patient","birthDate":"yesterday"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("Patient.birthDate", (string?)issue["expression"]![0]);
        Assert.Contains("yesterday", (string?)issue["diagnostics"]);
    }

    [Fact]
    public async Task Create_UnknownElement_Returns400AtTheElement()
    {
        using var response = await _client.PostAsync("/fhir/Patient", Fhir.Json("""{"resourceType":"Patient","favouriteColour":"blue"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Patient.favouriteColour", (string?)(await response.SingleIssueAsync())["expression"]![0]);
    }

    [Fact]
    public async Task Create_UnknownResourceTypeInBody_Returns400()
    {
        using var response = await _client.PostAsync("/fhir/Patient", Fhir.Json("""{"resourceType":"Banana"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var issues = (await response.BodyAsync())["issue"]!.AsArray();
        Assert.Contains(issues, i => ((string?)i!["diagnostics"])!.Contains("unknown resource type 'Banana'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("null")]
    [InlineData("\"Patient\"")]
    public async Task Create_BodyIsNotAnObject_Returns400(string body)
    {
        using var response = await _client.PostAsync("/fhir/Patient", Fhir.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await response.SingleIssueAsync();
    }

    [Fact]
    public async Task Create_EmptyBody_Returns400()
    {
        using var response = await _client.PostAsync("/fhir/Patient", Fhir.Json(string.Empty));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Create_UnsupportedContentType_Returns415()
    {
        using var response = await _client.PostAsync("/fhir/Patient", new StringContent("name=x", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("not-supported", (string?)(await response.SingleIssueAsync())["code"]);
    }

    [Fact]
    public async Task Create_XmlWithExternalEntity_Returns400AndReadsNothing()
    {
        var secret = Path.Combine(Path.GetTempPath(), "fhirmh-xxe-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(secret, "TOP-SECRET-CONTENT");
        try
        {
            var payload = $"""
                <?xml version="1.0"?>
                <!DOCTYPE Patient [<!ENTITY xxe SYSTEM "file://{secret}">]>
                <Patient xmlns="http://hl7.org/fhir"><name><family value="&xxe;"/></name></Patient>
                """;

            using var response = await _client.PostAsync("/fhir/Patient", new StringContent(payload, Encoding.UTF8, Fhir.XmlType));

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("TOP-SECRET", text);
            var issue = await response.SingleIssueAsync();
            Assert.Equal("security", (string?)issue["code"]);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public async Task Create_JsonNestedBeyondLimit_Returns400()
    {
        var deep = new StringBuilder("""{"resourceType":"Patient","extension":[""");
        for (var i = 0; i < 100; i++)
        {
            deep.Append("""{"url":"http://x","extension":[""");
        }

        deep.Append("""{"url":"http://x","valueString":"y"}""");
        for (var i = 0; i < 100; i++)
        {
            deep.Append("]}");
        }

        deep.Append("]}");

        using var response = await _client.PostAsync("/fhir/Patient", Fhir.Json(deep.ToString()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("depth", (string?)(await response.SingleIssueAsync())["diagnostics"], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Create_XmlNestedBeyondLimit_Returns400WithoutParsingIt()
    {
        var deep = new StringBuilder("<Patient xmlns=\"http://hl7.org/fhir\">");
        for (var i = 0; i < 5000; i++)
        {
            deep.Append("<extension url=\"http://x\">");
        }

        for (var i = 0; i < 5000; i++)
        {
            deep.Append("</extension>");
        }

        deep.Append("</Patient>");

        using var response = await _client.PostAsync("/fhir/Patient", new StringContent(deep.ToString(), Encoding.UTF8, Fhir.XmlType));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("nested deeper", (string?)(await response.SingleIssueAsync())["diagnostics"]);
    }

    [Fact]
    public async Task Create_ChunkedBodyOverTheSizeLimit_Returns413()
    {
        var padding = new string('a', 10 * 1024 * 1024);
        var bytes = Encoding.UTF8.GetBytes($$"""{"resourceType":"Patient","name":[{"family":"{{padding}}"}]}""");
        using var content = new StreamContent(new UnseekableStream(bytes));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(Fhir.JsonType);

        using var response = await _client.PostAsync("/fhir/Patient", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Create_UnknownTypeWithInvalidBody_Returns404()
    {
        using var response = await _client.PostAsync("/fhir/Banana", Fhir.Json("{not json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Create_BodyOverTheSizeLimit_Returns413()
    {
        var padding = new string('a', 10 * 1024 * 1024);
        using var response = await _client.PostAsync("/fhir/Patient", Fhir.Json($$"""{"resourceType":"Patient","name":[{"family":"{{padding}}"}]}"""));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("too-long", (string?)(await response.SingleIssueAsync())["code"]);
    }

    [Fact]
    public async Task Update_InvalidBody_LeavesTheStoredVersionUntouched()
    {
        var id = (await _client.CreatePatientAsync("Wu")).Id();

        using var response = await _client.PutAsync($"/fhir/Patient/{id}", System.Text.Json.Nodes.JsonNode.Parse($$"""{"resourceType":"Patient","id":"{{id}}","gender":12}""")!, ifMatch: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var read = await _client.GetAsync($"/fhir/Patient/{id}");
        Assert.Equal("1", (await read.BodyAsync()).VersionId());
    }

    [Fact]
    public async Task Read_InvalidId_Returns400()
    {
        using var response = await _client.GetAsync("/fhir/Patient/" + new string('x', 65));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Request_UnmappedPathOrMethod_Returns404Or405Outcome()
    {
        using var unknownPath = await _client.GetAsync("/fhir/Patient/1/_history/1/extra");
        using var unsupportedMethod = await _client.PutAsync("/fhir/Patient/1/_history", Fhir.Json("{}"));

        Assert.Equal(HttpStatusCode.NotFound, unknownPath.StatusCode);
        Assert.Equal("not-found", (string?)(await unknownPath.SingleIssueAsync())["code"]);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, unsupportedMethod.StatusCode);
        Assert.Equal("not-supported", (string?)(await unsupportedMethod.SingleIssueAsync())["code"]);
    }
}

public sealed class SqliteErrorTests(SqliteFixture fixture) : ErrorTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresErrorTests(PostgresFixture fixture) : ErrorTests(fixture), IClassFixture<PostgresFixture>;
