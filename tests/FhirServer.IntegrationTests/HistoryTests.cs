using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>history at instance, type and system level (http.html#history).</summary>
public abstract class HistoryTests(StorageFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task InstanceHistory_AfterUpdateAndDelete_ListsNewestFirstWithDeleteEntry()
    {
        var id = (await _client.CreatePatientAsync("Somerville")).Id();
        using var update = await _client.PutAsync($"/fhir/Patient/{id}", Fhir.Patient("Somerville-2", id), ifMatch: null);
        using var delete = await _client.DeleteAsync($"/fhir/Patient/{id}");

        using var response = await _client.GetAsync($"/fhir/Patient/{id}/_history");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bundle = await response.BodyAsync();
        Assert.Equal("history", (string?)bundle["type"]);
        var entries = bundle["entry"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.Equal(["DELETE", "PUT", "POST"], entries.Select(e => (string)e["request"]!["method"]!));
        Assert.Equal(["W/\"3\"", "W/\"2\"", "W/\"1\""], entries.Select(e => (string)e["response"]!["etag"]!));
        Assert.Null(entries[0]["resource"]);
        Assert.Equal("Somerville-2", (string?)entries[1]["resource"]!["name"]![0]!["family"]);
        Assert.Equal($"http://localhost/fhir/Patient/{id}", (string?)entries[0]["fullUrl"]);
        Assert.Equal($"Patient/{id}", (string?)entries[0]["request"]!["url"]);
        Assert.Equal("Patient", (string?)entries[2]["request"]!["url"]);
    }

    [Fact]
    public async Task InstanceHistory_CountOne_PagesThroughEveryVersionWithNextAndPrevious()
    {
        var id = (await _client.CreatePatientAsync("Yonath")).Id();
        for (var i = 2; i <= 4; i++)
        {
            using var update = await _client.PutAsync($"/fhir/Patient/{id}", Fhir.Patient($"Yonath-{i}", id), ifMatch: null);
        }

        var seen = new List<string>();
        var url = $"/fhir/Patient/{id}/_history?_count=1";
        JsonObject? page = null;
        while (url is not null)
        {
            using var response = await _client.GetAsync(url);
            page = await response.BodyAsync();
            seen.AddRange(page["entry"]!.AsArray().Select(e => (string)e!["response"]!["etag"]!));
            url = Link(page, "next");
        }

        Assert.Equal(["W/\"4\"", "W/\"3\"", "W/\"2\"", "W/\"1\""], seen);
        using var back = await _client.GetAsync(Link(page!, "previous")!);
        var previous = await back.BodyAsync();
        Assert.Equal("W/\"2\"", (string?)previous["entry"]![0]!["response"]!["etag"]);
        Assert.NotNull(Link(previous, "next"));
        Assert.NotNull(Link(previous, "previous"));
    }

    [Fact]
    public async Task TypeHistory_Since_OnlyListsVersionsAtOrAfterTheInstant()
    {
        var type = "Practitioner";
        using var before = await _client.PostAsync($"/fhir/{type}", Fhir.Json("""{"resourceType":"Practitioner","active":false}"""));
        var beforeBody = await before.BodyAsync();
        var since = DateTimeOffset.Parse((string)beforeBody["meta"]!["lastUpdated"]!, System.Globalization.CultureInfo.InvariantCulture).AddTicks(10);
        await Task.Delay(5);
        using var after = await _client.PostAsync($"/fhir/{type}", Fhir.Json("""{"resourceType":"Practitioner","active":true}"""));
        var afterId = (await after.BodyAsync()).Id();

        var sinceText = Uri.EscapeDataString(since.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture));
        using var response = await _client.GetAsync($"/fhir/{type}/_history?_since={sinceText}&_count=1000");

        var ids = (await response.BodyAsync())["entry"]!.AsArray().Select(e => (string)e!["resource"]!["id"]!).ToList();
        Assert.Contains(afterId, ids);
        Assert.DoesNotContain(beforeBody.Id(), ids);
    }

    [Fact]
    public async Task TypeHistory_SinceExactlyAVersionsLastUpdated_IncludesIt()
    {
        using var created = await _client.PostAsync("/fhir/Location", Fhir.Json("""{"resourceType":"Location","name":"Ward 3"}"""));
        var body = await created.BodyAsync();
        var lastUpdated = (string)body["meta"]!["lastUpdated"]!;

        using var response = await _client.GetAsync($"/fhir/Location/_history?_since={Uri.EscapeDataString(lastUpdated)}&_count=1000");

        var ids = (await response.BodyAsync())["entry"]!.AsArray().Select(e => (string)e!["resource"]!["id"]!).ToList();
        Assert.Contains(body.Id(), ids);
    }

    [Fact]
    public async Task InstanceHistory_RecreatedAfterDelete_ReportsTheRecreationAs201()
    {
        var id = (await _client.CreatePatientAsync("Phoenix")).Id();
        using var delete = await _client.DeleteAsync($"/fhir/Patient/{id}");
        using var recreate = await _client.PutAsync($"/fhir/Patient/{id}", Fhir.Patient("Phoenix", id), ifMatch: null);

        using var response = await _client.GetAsync($"/fhir/Patient/{id}/_history");

        var statuses = (await response.BodyAsync())["entry"]!.AsArray().Select(e => (string)e!["response"]!["status"]!).ToList();
        Assert.Equal(["201 Created", "204 No Content", "201 Created"], statuses);
    }

    [Fact]
    public async Task InstanceHistory_UnknownResource_Returns404()
    {
        using var response = await _client.GetAsync("/fhir/Patient/never-" + Guid.NewGuid().ToString("N") + "/_history");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task History_FormatAndPrettyRequested_PagingLinksKeepThem()
    {
        var id = (await _client.CreatePatientAsync("Format")).Id();
        using var update = await _client.PutAsync($"/fhir/Patient/{id}", Fhir.Patient("Format-2", id), ifMatch: null);

        using var response = await _client.GetAsync($"/fhir/Patient/{id}/_history?_count=1&_format=json&_pretty=true");

        var next = Link(await response.BodyAsync(), "next")!;
        Assert.Contains("_format=json", next);
        Assert.Contains("_pretty=true", next);
    }

    [Fact]
    public async Task TypeHistory_OnlyListsThatType()
    {
        using var org = await _client.PostAsync("/fhir/Organization", Fhir.Json("""{"resourceType":"Organization","name":"Clinic"}"""));
        await _client.CreatePatientAsync("Goodall");

        using var response = await _client.GetAsync("/fhir/Organization/_history?_count=1000");

        var types = (await response.BodyAsync())["entry"]!.AsArray().Select(e => (string)e!["request"]!["url"]!).ToList();
        Assert.NotEmpty(types);
        Assert.All(types, url => Assert.StartsWith("Organization", url));
    }

    [Fact]
    public async Task SystemHistory_WritesOfSeveralTypes_AreListedNewestFirst()
    {
        var patientId = (await _client.CreatePatientAsync("Carson")).Id();
        using var org = await _client.PostAsync("/fhir/Organization", Fhir.Json("""{"resourceType":"Organization","name":"Ward 9"}"""));
        var orgId = (await org.BodyAsync()).Id();

        using var response = await _client.GetAsync("/fhir/_history?_count=1000");

        var bundle = await response.BodyAsync();
        var urls = bundle["entry"]!.AsArray().Select(e => (string)e!["fullUrl"]!).ToList();
        var orgAt = urls.IndexOf($"http://localhost/fhir/Organization/{orgId}");
        var patientAt = urls.IndexOf($"http://localhost/fhir/Patient/{patientId}");
        Assert.True(orgAt >= 0 && patientAt > orgAt, $"Organization at {orgAt}, Patient at {patientAt}");
        Assert.Equal("http://localhost/fhir/_history?_count=1000", Link(bundle, "self"));
    }

    [Fact]
    public async Task History_PagingWhileAWriterInserts_NeitherRepeatsNorSkipsVersions()
    {
        var id = (await _client.CreatePatientAsync("Bell")).Id();
        for (var i = 2; i <= 6; i++)
        {
            using var update = await _client.PutAsync($"/fhir/Patient/{id}", Fhir.Patient($"Bell-{i}", id), ifMatch: null);
        }

        using var first = await _client.GetAsync($"/fhir/Patient/{id}/_history?_count=3");
        var firstPage = await first.BodyAsync();
        using (var concurrentWrite = await _client.PutAsync($"/fhir/Patient/{id}", Fhir.Patient("Bell-7", id), ifMatch: null))
        {
            Assert.Equal(HttpStatusCode.OK, concurrentWrite.StatusCode);
        }

        using var second = await _client.GetAsync(Link(firstPage, "next")!);

        var etags = firstPage["entry"]!.AsArray().Concat((await second.BodyAsync())["entry"]!.AsArray())
            .Select(e => (string)e!["response"]!["etag"]!).ToList();
        Assert.Equal(["W/\"6\"", "W/\"5\"", "W/\"4\"", "W/\"3\"", "W/\"2\"", "W/\"1\""], etags);
    }

    [Theory]
    [InlineData("_count=-1", "_count")]
    [InlineData("_count=many", "_count")]
    [InlineData("_since=2026-01-01", "_since")]
    [InlineData("_page=bogus", "_page")]
    public async Task History_BadParameter_Returns400NamingIt(string query, string parameter)
    {
        using var response = await _client.GetAsync($"/fhir/Patient/_history?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal(parameter, (string?)issue["expression"]![0]);
    }

    private static string? Link(JsonObject bundle, string relation) =>
        bundle["link"]?.AsArray().FirstOrDefault(l => (string?)l!["relation"] == relation)?["url"]?.GetValue<string>();
}

public sealed class SqliteHistoryTests(SqliteFixture fixture) : HistoryTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresHistoryTests(PostgresFixture fixture) : HistoryTests(fixture), IClassFixture<PostgresFixture>;
