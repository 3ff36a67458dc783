using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;

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

    [Fact]
    public async Task TypeHistory_SinceThePreviousBundleLastUpdated_ListsOnlyTheChangesAfterItOnce()
    {
        var a = await CreateAsync("HealthcareService", """{"resourceType":"HealthcareService","name":"Crisis line"}""");
        var (first, horizon1) = await ReadFeedAsync("/fhir/HealthcareService/_history?_count=1000");
        using (var update = await _client.PutAsync(
            $"/fhir/HealthcareService/{a}", JsonNode.Parse($$"""{"resourceType":"HealthcareService","id":"{{a}}","name":"Crisis line 24/7"}""")!, ifMatch: null))
        {
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        }

        var b = await CreateAsync("HealthcareService", """{"resourceType":"HealthcareService","name":"Talking therapies"}""");

        var (second, horizon2) = await ReadFeedAsync($"/fhir/HealthcareService/_history?_count=1000&_since={Uri.EscapeDataString(horizon1)}");
        var (third, horizon3) = await ReadFeedAsync($"/fhir/HealthcareService/_history?_count=1000&_since={Uri.EscapeDataString(horizon2)}");

        Assert.Contains(new FeedVersion(a, 1, IsDeleted: false), first);
        Assert.Equal([new FeedVersion(b, 1, IsDeleted: false), new FeedVersion(a, 2, IsDeleted: false)], second);
        Assert.Empty(third);
        Assert.True(ParseInstant(horizon1) <= ParseInstant(horizon2) && ParseInstant(horizon2) <= ParseInstant(horizon3), $"{horizon1}, {horizon2}, {horizon3}");
    }

    [Fact]
    public async Task TypeHistory_PolledWithSinceWhileWritersRun_ReplaysToTheCurrentStateWithEveryVersionOnce()
    {
        const int writers = 4;
        const int rounds = 9;
        var received = new HashSet<FeedVersion>();
        var latest = new Dictionary<string, FeedVersion>(StringComparer.Ordinal);
        string? since = null;

        async Task PollAsync()
        {
            var url = "/fhir/Organization/_history?_count=7" + (since is null ? string.Empty : "&_since=" + Uri.EscapeDataString(since));
            var (versions, horizon) = await ReadFeedAsync(url);
            foreach (var version in versions)
            {
                Assert.True(received.Add(version), $"Organization/{version.Id} version {version.Version} came twice.");
                if (!latest.TryGetValue(version.Id, out var known) || known.Version < version.Version)
                {
                    latest[version.Id] = version;
                }
            }

            since = horizon;
        }

        var writing = Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => WriteOrganizationsAsync($"Writer {w}", rounds))));
        while (!writing.IsCompleted)
        {
            await PollAsync();
        }

        await writing;
        await PollAsync();

        var replayed = latest.Values.Where(v => !v.IsDeleted).ToDictionary(v => v.Id, v => v.Version, StringComparer.Ordinal);
        Assert.Equal((await CurrentVersionsAsync("Organization")).OrderBy(p => p.Key, StringComparer.Ordinal), replayed.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.All(received.GroupBy(v => v.Id), versions =>
            Assert.Equal(Enumerable.Range(1, versions.Max(v => v.Version)), versions.Select(v => v.Version).Order()));
    }

    [Fact]
    public async Task TypeHistory_PagingWhileWritesArrive_NextAndPreviousStayBelowTheHorizonAndTheNextPollHasTheNewWrites()
    {
        var (_, start) = await ReadFeedAsync("/fhir/Location/_history?_count=1");
        var written = new List<FeedVersion>();
        for (var i = 0; i < 5; i++)
        {
            written.Add(new FeedVersion(await CreateAsync("Location", $$"""{"resourceType":"Location","name":"Clinic {{i}}"}"""), 1, IsDeleted: false));
        }

        var writtenBetweenPages = new List<FeedVersion>();
        var pages = new List<JsonObject>();
        string? url = $"/fhir/Location/_history?_count=2&_since={Uri.EscapeDataString(start)}";
        while (url is not null)
        {
            using var response = await _client.GetAsync(url);
            pages.Add(await response.BodyAsync());
            url = Link(pages[^1], "next");

            // Between page requests: a new resource and a new version of one already paged.
            var id = await CreateAsync("Location", """{"resourceType":"Location","name":"Clinic opened meanwhile"}""");
            writtenBetweenPages.Add(new FeedVersion(id, 1, IsDeleted: false));
            using var update = await _client.PutAsync(
                $"/fhir/Location/{written[0].Id}", JsonNode.Parse($$"""{"resourceType":"Location","id":"{{written[0].Id}}","name":"Clinic 0, moved"}""")!, ifMatch: null);
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
            writtenBetweenPages.Add(new FeedVersion(written[0].Id, writtenBetweenPages.Count(v => v.Id == written[0].Id) + 2, IsDeleted: false));
        }

        var backwards = new List<JsonObject>();
        for (var previous = Link(pages[^1], "previous"); previous is not null; previous = Link(backwards[^1], "previous"))
        {
            using var response = await _client.GetAsync(previous);
            backwards.Add(await response.BodyAsync());
        }

        var horizon = (string)pages[0]["meta"]!["lastUpdated"]!;
        var (nextPoll, _) = await ReadFeedAsync($"/fhir/Location/_history?_count=2&_since={Uri.EscapeDataString(horizon)}");

        Assert.Equal(3, pages.Count);
        Assert.All(pages.Concat(backwards), page => Assert.Equal(horizon, (string?)page["meta"]!["lastUpdated"]));
        Assert.Equal(written.AsEnumerable().Reverse(), pages.SelectMany(FeedVersions));
        Assert.Equal(written.AsEnumerable().Reverse().SkipLast(1), backwards.AsEnumerable().Reverse().SelectMany(FeedVersions));
        Assert.Equal(writtenBetweenPages.OrderBy(v => v.Id, StringComparer.Ordinal).ThenBy(v => v.Version), nextPoll.OrderBy(v => v.Id, StringComparer.Ordinal).ThenBy(v => v.Version));
    }

    [Fact]
    public async Task TypeHistory_SinceLaterThanNow_AnswersThatInstantAsLastUpdated()
    {
        var since = "2999-01-01T00:00:00.123456Z";

        var (versions, horizon) = await ReadFeedAsync($"/fhir/Organization/_history?_since={Uri.EscapeDataString(since)}");

        Assert.Empty(versions);
        Assert.Equal(ParseInstant(since), ParseInstant(horizon));
    }

    [Fact]
    public async Task TypeHistory_CountZero_HasNoLastUpdatedToPollFrom()
    {
        await CreateAsync("Organization", """{"resourceType":"Organization","name":"Counted"}""");

        using var response = await _client.GetAsync("/fhir/Organization/_history?_count=0");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null((await response.BodyAsync())["meta"]);
    }

    /// <summary>
    /// One writer of the concurrent feed test: creates, updates and deletes Organizations of its own,
    /// some one at a time and some in transaction Bundles.
    /// </summary>
    private async Task WriteOrganizationsAsync(string writer, int rounds)
    {
        var live = new List<string>();
        for (var round = 0; round < rounds; round++)
        {
            if (round % 3 == 2 && live.Count >= 2)
            {
                var bundle = BundleJson.Of(
                    "transaction",
                    BundleJson.Entry("POST", "Organization", Organization(null, $"{writer} round {round} a"), BundleJson.NewUrn()),
                    BundleJson.Entry("POST", "Organization", Organization(null, $"{writer} round {round} b"), BundleJson.NewUrn()),
                    BundleJson.Entry("PUT", $"Organization/{live[0]}", Organization(live[0], $"{writer} round {round} renamed")),
                    BundleJson.Entry("DELETE", $"Organization/{live[1]}"));
                using var response = await _client.PostBundleAsync(bundle);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var entries = (await response.BodyAsync()).Entries();
                live.RemoveAt(1);
                live.Add(entries[0].LocationId());
                live.Add(entries[1].LocationId());
                continue;
            }

            var id = await CreateAsync("Organization", Organization(null, $"{writer} round {round}").ToJsonString());
            using (var update = await _client.PutAsync($"/fhir/Organization/{id}", Organization(id, $"{writer} round {round} updated"), ifMatch: null))
            {
                Assert.Equal(HttpStatusCode.OK, update.StatusCode);
            }

            live.Add(id);
            if (round % 2 == 1)
            {
                using var delete = await _client.DeleteAsync($"/fhir/Organization/{live[^2]}");
                Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
                live.RemoveAt(live.Count - 2);
            }
        }
    }

    private static JsonObject Organization(string? id, string name)
    {
        var organization = new JsonObject { ["resourceType"] = "Organization", ["name"] = name };
        if (id is not null)
        {
            organization["id"] = id;
        }

        return organization;
    }

    private async Task<string> CreateAsync(string type, string json)
    {
        using var response = await _client.PostAsync($"/fhir/{type}", Fhir.Json(json));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.BodyAsync()).Id();
    }

    /// <summary>
    /// Reads a history response to its last page, as a feed consumer does: the versions in the
    /// order given, and the <c>Bundle.meta.lastUpdated</c> that every page carries.
    /// </summary>
    private async Task<(List<FeedVersion> Versions, string Horizon)> ReadFeedAsync(string url)
    {
        var versions = new List<FeedVersion>();
        string? horizon = null;
        for (string? next = url; next is not null;)
        {
            using var response = await _client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.BodyAsync();
            var lastUpdated = (string?)page["meta"]?["lastUpdated"];
            Assert.NotNull(lastUpdated);
            Assert.Equal(horizon ?? lastUpdated, lastUpdated);
            horizon = lastUpdated;
            versions.AddRange(FeedVersions(page));
            next = Link(page, "next");
        }

        return (versions, horizon!);
    }

    /// <summary>The current version of every live resource of the type, from a search.</summary>
    private async Task<Dictionary<string, int>> CurrentVersionsAsync(string type)
    {
        var current = new Dictionary<string, int>(StringComparer.Ordinal);
        for (string? next = $"/fhir/{type}?_count=1000"; next is not null;)
        {
            using var response = await _client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.BodyAsync();
            foreach (var entry in page.Entries())
            {
                current.Add(entry["resource"]!.AsObject().Id(), int.Parse((string)entry["resource"]!["meta"]!["versionId"]!, CultureInfo.InvariantCulture));
            }

            next = Link(page, "next");
        }

        return current;
    }

    /// <summary>A history entry as a feed consumer sees it: deletes have no resource, so the id comes from fullUrl and the version from the ETag.</summary>
    private static IEnumerable<FeedVersion> FeedVersions(JsonObject page) => page.Entries().Select(entry => new FeedVersion(
        ((string)entry["fullUrl"]!).Split('/')[^1],
        int.Parse(((string)entry["response"]!["etag"]!).Trim('W', '/', '"'), CultureInfo.InvariantCulture),
        IsDeleted: (string?)entry["request"]!["method"] == "DELETE"));

    private static Instant ParseInstant(string value) => OffsetDateTimePattern.ExtendedIso.Parse(value).GetValueOrThrow().ToInstant();

    private static string? Link(JsonObject bundle, string relation) =>
        bundle["link"]?.AsArray().FirstOrDefault(l => (string?)l!["relation"] == relation)?["url"]?.GetValue<string>();

    private sealed record FeedVersion(string Id, int Version, bool IsDeleted);
}

public sealed class SqliteHistoryTests(SqliteFixture fixture) : HistoryTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresHistoryTests(PostgresFixture fixture) : HistoryTests(fixture), IClassFixture<PostgresFixture>;
