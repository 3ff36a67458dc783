using System.Net;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>Version-aware writes (If-Match) and conditional reads (http.html#concurrency, #cread).</summary>
public abstract class ConditionalTests(StorageFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task Update_IfMatchCurrentVersion_Succeeds()
    {
        var id = (await _client.CreatePatientAsync("Ride")).Id();

        using var response = await _client.PutAsync($"/fhir/Patient/{id}", Fhir.Patient("Ride", id), "W/\"1\"");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("W/\"2\"", response.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task Update_StaleIfMatch_Returns412AndKeepsCurrentVersion()
    {
        var id = (await _client.CreatePatientAsync("Jemison")).Id();
        using var first = await _client.PutAsync($"/fhir/Patient/{id}", Fhir.Patient("Jemison-2", id), "W/\"1\"");

        using var stale = await _client.PutAsync($"/fhir/Patient/{id}", Fhir.Patient("Jemison-stale", id), "W/\"1\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("conflict", (string?)(await stale.SingleIssueAsync())["code"]);
        using var read = await _client.GetAsync($"/fhir/Patient/{id}");
        var current = await read.BodyAsync();
        Assert.Equal("2", current.VersionId());
        Assert.Equal("Jemison-2", (string?)current["name"]![0]!["family"]);
    }

    [Fact]
    public async Task Update_MalformedIfMatch_Returns400()
    {
        var id = (await _client.CreatePatientAsync("Tereshkova")).Id();

        using var response = await _client.PutAsync($"/fhir/Patient/{id}", Fhir.Patient("Tereshkova", id), "version-one");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("If-Match", (string?)(await response.SingleIssueAsync())["expression"]![0]);
    }

    [Fact]
    public async Task Delete_StaleIfMatch_Returns412AndDeletesNothing()
    {
        var id = (await _client.CreatePatientAsync("Ochoa")).Id();
        using var response = await _client.SendWithHeaderAsync(HttpMethod.Delete, $"/fhir/Patient/{id}", null, "If-Match", "W/\"5\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        using var read = await _client.GetAsync($"/fhir/Patient/{id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task Read_IfNoneMatchCurrentVersion_Returns304WithoutBody()
    {
        var id = (await _client.CreatePatientAsync("Apgar")).Id();
        using var response = await _client.SendWithHeaderAsync(HttpMethod.Get, $"/fhir/Patient/{id}", null, "If-None-Match", "W/\"1\"");

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("W/\"1\"", response.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task Read_IfNoneMatchOlderVersion_Returns200()
    {
        var id = (await _client.CreatePatientAsync("Blackwell")).Id();
        using var update = await _client.PutAsync($"/fhir/Patient/{id}", Fhir.Patient("Blackwell", id), ifMatch: null);
        using var response = await _client.SendWithHeaderAsync(HttpMethod.Get, $"/fhir/Patient/{id}", null, "If-None-Match", "W/\"1\"");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Read_IfModifiedSinceLastModified_Returns304ButEarlierDateReturns200()
    {
        var id = (await _client.CreatePatientAsync("Nightingale")).Id();
        using var read = await _client.GetAsync($"/fhir/Patient/{id}");
        var lastModified = read.Content.Headers.LastModified!.Value;

        using var same = new HttpRequestMessage(HttpMethod.Get, $"/fhir/Patient/{id}");
        same.Headers.IfModifiedSince = lastModified;
        using var earlier = new HttpRequestMessage(HttpMethod.Get, $"/fhir/Patient/{id}");
        earlier.Headers.IfModifiedSince = lastModified.AddSeconds(-1);
        using var sameResponse = await _client.SendAsync(same);
        using var earlierResponse = await _client.SendAsync(earlier);

        Assert.Equal(HttpStatusCode.NotModified, sameResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, earlierResponse.StatusCode);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("W/\"7\", W/\"1\"")]
    public async Task Read_IfNoneMatchAnyOrListWithCurrent_Returns304(string ifNoneMatch)
    {
        var id = (await _client.CreatePatientAsync("Sabin")).Id();
        using var response = await _client.SendWithHeaderAsync(HttpMethod.Get, $"/fhir/Patient/{id}", null, "If-None-Match", ifNoneMatch);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task Read_IfNoneMatchPresent_IgnoresIfModifiedSince()
    {
        var id = (await _client.CreatePatientAsync("Lovelock")).Id();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/fhir/Patient/{id}");
        request.Headers.TryAddWithoutValidation("If-None-Match", "W/\"9\"");
        request.Headers.IfModifiedSince = DateTimeOffset.UtcNow.AddDays(1);

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Update_IfNoneMatchAnyOnExistingResource_Returns412AndKeepsIt()
    {
        var id = (await _client.CreatePatientAsync("Montessori")).Id();
        using var response = await _client.SendWithHeaderAsync(HttpMethod.Put, $"/fhir/Patient/{id}", Fhir.Patient("Overwrite", id), "If-None-Match", "*");

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal("If-None-Match", (string?)(await response.SingleIssueAsync())["expression"]![0]);
        using var read = await _client.GetAsync($"/fhir/Patient/{id}");
        Assert.Equal("1", (await read.BodyAsync()).VersionId());
    }

    [Fact]
    public async Task Update_IfNoneMatchAnyOnNewId_Creates()
    {
        var id = "new-" + Guid.NewGuid().ToString("N");
        using var response = await _client.SendWithHeaderAsync(HttpMethod.Put, $"/fhir/Patient/{id}", Fhir.Patient("Fresh", id), "If-None-Match", "*");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Update_IfMatchAny_SucceedsOnLiveResourceButNotOnDeletedOne()
    {
        var live = (await _client.CreatePatientAsync("Starr")).Id();
        var deleted = (await _client.CreatePatientAsync("Gone")).Id();
        using var delete = await _client.DeleteAsync($"/fhir/Patient/{deleted}");

        using var onLive = await _client.PutAsync($"/fhir/Patient/{live}", Fhir.Patient("Starr", live), "*");
        using var onDeleted = await _client.PutAsync($"/fhir/Patient/{deleted}", Fhir.Patient("Gone", deleted), "*");

        Assert.Equal(HttpStatusCode.OK, onLive.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, onDeleted.StatusCode);
    }

    [Fact]
    public async Task Create_PreferMinimal_ReturnsNoBodyButHeaders()
    {
        using var response = await _client.SendWithHeaderAsync(HttpMethod.Post, "/fhir/Patient", Fhir.Patient("Hodgkin"), "Prefer", "return=minimal");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.NotNull(response.Headers.Location);
        Assert.Equal("W/\"1\"", response.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task Update_PreferOperationOutcome_ReturnsInformationalOutcome()
    {
        var id = (await _client.CreatePatientAsync("Elion")).Id();
        using var response = await _client.SendWithHeaderAsync(HttpMethod.Put, $"/fhir/Patient/{id}", Fhir.Patient("Elion", id), "Prefer", "return=OperationOutcome");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("information", (string?)issue["severity"]);
        Assert.Contains($"Patient/{id} is at version 2", (string?)issue["diagnostics"]);
    }

    [Fact]
    public async Task Create_PreferRepresentation_ReturnsTheStoredResource()
    {
        using var response = await _client.SendWithHeaderAsync(HttpMethod.Post, "/fhir/Patient", Fhir.Patient("Cori"), "Prefer", "return=representation");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.BodyAsync();
        Assert.Equal("Cori", (string?)body["name"]![0]!["family"]);
        Assert.Equal("1", body.VersionId());
    }
}

public sealed class SqliteConditionalTests(SqliteFixture fixture) : ConditionalTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresConditionalTests(PostgresFixture fixture) : ConditionalTests(fixture), IClassFixture<PostgresFixture>;
