using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// The provider directory's searches (IHE mCSD [ITI-90]) beyond plain parameters: Location
/// <c>near</c> (radius, distance order, location-distance), chained through a service's location,
/// and the project parameters a referrer needs (<c>communication</c>, <c>open-at</c>,
/// <c>in-effect</c>). Every test tags what it creates and searches under its tag.
/// </summary>
public abstract class DirectorySearchTests(StorageFixture fixture)
{
    /// <summary>A point in Paris; the test places locations due north of it at known distances.</summary>
    private const double Latitude = 48.853;
    private const double Longitude = 2.3499;

    /// <summary>Degrees of latitude per kilometre on the sphere the server measures on.</summary>
    private const double DegreesPerKm = 180 / (Math.PI * 6371.0088);

    private const string Characteristic = "https://fhirmh.org/fhir/CodeSystem/service-characteristic";

    private readonly HttpClient _client = fixture.CreateClient();
    private readonly string _unique = Guid.NewGuid().ToString("N")[..10];

    private string Tag => $"_tag=http://example.org/test-run|{_unique}";

    [Fact]
    public async Task Near_WithinRadius_ReturnsNearestFirstWithTheirDistance()
    {
        var five = await LocationAsync(5);
        var one = await LocationAsync(1);
        var thirty = await LocationAsync(30);

        var bundle = await SearchAsync($"Location?near={Latitude}|{Longitude}|10|km&{Tag}");

        Assert.Equal([one, five], Fhir.Ids(bundle, "match"));
        var distances = bundle["entry"]!.AsArray().Select(e => (double)e!["search"]!["extension"]![0]!["valueDistance"]!["value"]!).ToList();
        Assert.Equal(1.0, distances[0], 2);
        Assert.Equal(5.0, distances[1], 2);
        Assert.Equal("http://hl7.org/fhir/StructureDefinition/location-distance", (string?)bundle["entry"]![0]!["search"]!["extension"]![0]!["url"]);
        Assert.Equal([one, five, thirty], Fhir.Ids(await SearchAsync($"Location?near={Latitude}|{Longitude}|50|km&{Tag}"), "match"));
    }

    [Theory]
    [InlineData("10000|m")]
    [InlineData("6.3|[mi_i]")]
    [InlineData("10")]
    public async Task Near_DistanceInOtherUnitsOrNone_MeansTheSameRadius(string distance)
    {
        var one = await LocationAsync(1);
        var five = await LocationAsync(5);
        await LocationAsync(12);

        Assert.Equal([one, five], Fhir.Ids(await SearchAsync($"Location?near={Latitude}|{Longitude}|{distance}&{Tag}"), "match"));
    }

    [Fact]
    public async Task Near_PagedOneByOne_KeepsTheDistanceOrderAcrossPages()
    {
        var three = await LocationAsync(3);
        var one = await LocationAsync(1);
        var two = await LocationAsync(2);

        var seen = new List<string>();
        string? url = $"Location?near={Latitude}|{Longitude}|10|km&{Tag}&_count=1";
        while (url is not null)
        {
            var page = await SearchAsync(url);
            seen.AddRange(Fhir.Ids(page, "match"));
            url = page["link"]!.AsArray().FirstOrDefault(l => (string?)l!["relation"] == "next")?["url"]?.ToString() is { } next
                ? next[(next.IndexOf("/fhir/", StringComparison.Ordinal) + 6)..]
                : null;
        }

        Assert.Equal([one, two, three], seen);
    }

    [Fact]
    public async Task Near_FewMatchesAmongManyNearerPositions_PagesEveryMatchInOrderBothWays()
    {
        // 70 suspended sites fill the radius before and between the three active ones, so the
        // nearest positions read first hold almost no match and later, larger reads are needed.
        for (var i = 0; i < 70; i++)
        {
            await LocationAsync(0.1 * (i + 1), "suspended");
        }

        var three = await LocationAsync(3);
        var six = await LocationAsync(6.05);
        var nine = await LocationAsync(9);

        var forward = new List<string>();
        var pages = new List<JsonObject>();
        string? url = $"Location?near={Latitude}|{Longitude}|10|km&status=active&{Tag}&_count=1";
        for (; url is not null; url = Link(pages[^1], "next"))
        {
            pages.Add(await SearchAsync(url));
            forward.AddRange(Fhir.Ids(pages[^1], "match"));
        }

        var backward = new List<string>();
        for (url = Link(pages[^1], "previous"); url is not null; url = Link(pages[^1], "previous"))
        {
            pages.Add(await SearchAsync(url));
            backward.AddRange(Fhir.Ids(pages[^1], "match"));
        }

        Assert.Equal([three, six, nine], forward);
        Assert.Equal([six, three], backward);
        var distance = pages[1]["entry"]![0]!["search"]!["extension"]![0]!["valueDistance"]!["value"]!;
        Assert.Equal(6.05, (double)distance, 2);
    }

    [Theory]
    [InlineData("91|2|10|km")]
    [InlineData("48.8|181")]
    [InlineData("north|2.3")]
    [InlineData("48.8|2.3|10|furlongs")]
    [InlineData("48.8|2.3|-1|km")]
    [InlineData("48.8")]
    public async Task Near_MalformedValue_Is400NamingTheParameter(string value)
    {
        using var response = await _client.GetAsync($"/fhir/Location?near={Uri.EscapeDataString(value)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("near", (string?)issue["expression"]![0]);
    }

    [Fact]
    public async Task Near_ChainedThroughServiceLocation_FindsServicesWithin()
    {
        var near = await LocationAsync(2);
        var far = await LocationAsync(40);
        var close = await ServiceAsync(s => s["location"] = References($"Location/{near}"));
        await ServiceAsync(s => s["location"] = References($"Location/{far}"));

        Assert.Equal([close], Fhir.Ids(await SearchAsync($"HealthcareService?location.near={Latitude}|{Longitude}|20|km&{Tag}"), "match"));
    }

    [Fact]
    public async Task Communication_Language_MatchesServicesOfferedInIt()
    {
        var french = await ServiceAsync(s => s["communication"] = Concepts("urn:ietf:bcp:47", "fr", "en"));
        await ServiceAsync(s => s["communication"] = Concepts("urn:ietf:bcp:47", "en"));

        Assert.Equal([french], Fhir.Ids(await SearchAsync($"HealthcareService?communication=urn:ietf:bcp:47|fr&{Tag}"), "match"));
    }

    [Theory]
    [InlineData("2026-11-26T14:30", true)] // a Thursday, within 09:00-17:00
    [InlineData("2026-11-26T09:00", true)] // the opening minute
    [InlineData("2026-11-26T17:00", false)] // the end is exclusive
    [InlineData("2026-11-28T10:00", false)] // a Saturday
    [InlineData("2026-12-24T10:00", false)] // a Thursday within notAvailable
    [InlineData("2026-11-26T13:30:00Z", true)] // an instant, read in the directory's zone (UTC here)
    [InlineData("2026-11-26T20:30:00+01:00", false)] // 19:30 in the directory's zone
    public async Task OpenAt_WallClockTime_MatchesServicesOpenThen(string at, bool isOpen)
    {
        var service = await ServiceAsync(s =>
        {
            s["availableTime"] = new JsonArray(new JsonObject
            {
                ["daysOfWeek"] = new JsonArray("mon", "tue", "wed", "thu", "fri"),
                ["availableStartTime"] = "09:00:00",
                ["availableEndTime"] = "17:00:00",
            });
            s["notAvailable"] = new JsonArray(new JsonObject
            {
                ["description"] = "Closed over the holidays",
                ["during"] = new JsonObject { ["start"] = "2026-12-24", ["end"] = "2026-12-26" },
            });
        });

        var found = Fhir.Ids(await SearchAsync($"HealthcareService?open-at={Uri.EscapeDataString(at)}&{Tag}"), "match");

        Assert.Equal(isOpen ? [service] : [], found);
    }

    [Theory]
    [InlineData("2026-11-27T23:30", true)] // Friday night
    [InlineData("2026-11-28T01:30", true)] // past midnight, Saturday
    [InlineData("2026-11-28T02:30", false)]
    [InlineData("2026-11-27T21:00", false)]
    public async Task OpenAt_HoursPastMidnight_RunIntoTheNextDay(string at, bool isOpen)
    {
        var service = await ServiceAsync(s => s["availableTime"] = new JsonArray(new JsonObject
        {
            ["daysOfWeek"] = new JsonArray("fri"),
            ["availableStartTime"] = "22:00:00",
            ["availableEndTime"] = "02:00:00",
        }));

        Assert.Equal(isOpen ? [service] : [], Fhir.Ids(await SearchAsync($"HealthcareService?open-at={at}&{Tag}"), "match"));
    }

    [Fact]
    public async Task OpenAt_AllDayAndMalformed_AllDayMatchesAnyTimeAndBadValueIs400()
    {
        var service = await ServiceAsync(s => s["availableTime"] = new JsonArray(new JsonObject { ["daysOfWeek"] = new JsonArray("sun"), ["allDay"] = true }));

        Assert.Equal([service], Fhir.Ids(await SearchAsync($"HealthcareService?open-at=2026-11-29T03:15&{Tag}"), "match"));
        using var response = await _client.GetAsync("/fhir/HealthcareService?open-at=2026-11-29");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("open-at", (string?)(await response.SingleIssueAsync())["expression"]![0]);
    }

    [Fact]
    public async Task InEffect_PractitionerRole_ExpiredOrNotYetStartedRolesAreLeftOut()
    {
        var open = await RoleAsync(period: null);
        var current = await RoleAsync(new JsonObject { ["start"] = "2024-01-01", ["end"] = "2027-01-01" });
        await RoleAsync(new JsonObject { ["start"] = "2020-01-01", ["end"] = "2025-06-30" });
        await RoleAsync(new JsonObject { ["start"] = "2027-02-01" });

        var found = Fhir.Ids(await SearchAsync($"PractitionerRole?in-effect=2026-11-26&{Tag}"), "match");

        Assert.Equal(new[] { open, current }.Order(), found.Order());
    }

    [Fact]
    public async Task OpenAt_PractitionerRole_HonoursItsPeriodAsWellAsItsHours()
    {
        var hours = new JsonArray(new JsonObject { ["daysOfWeek"] = new JsonArray("thu"), ["availableStartTime"] = "08:00:00", ["availableEndTime"] = "12:00:00" });
        var current = await RoleAsync(new JsonObject { ["start"] = "2026-01-01" }, (JsonArray)hours.DeepClone());
        await RoleAsync(new JsonObject { ["start"] = "2020-01-01", ["end"] = "2026-11-01" }, (JsonArray)hours.DeepClone());

        Assert.Equal([current], Fhir.Ids(await SearchAsync($"PractitionerRole?open-at=2026-11-26T10:00&{Tag}"), "match"));
    }

    [Fact]
    public async Task MentalHealthServiceQuery_ReferrersQuestion_ReturnsMatchingServicesWithLocationsAndOrganizations()
    {
        var organization = await CreateAsync("Organization", new JsonObject { ["name"] = "Centre " + _unique, ["active"] = true });
        var location = await LocationAsync(3);
        var farLocation = await LocationAsync(60);
        JsonObject Service(bool active, string language, string locationId, string type) => new()
        {
            ["active"] = active,
            ["providedBy"] = new JsonObject { ["reference"] = $"Organization/{organization}" },
            ["type"] = Concepts("http://snomed.info/sct", type),
            ["location"] = References($"Location/{locationId}"),
            ["communication"] = Concepts("urn:ietf:bcp:47", language),
            ["characteristic"] = Concepts(Characteristic, "accepting-new-clients", "telehealth"),
            ["availableTime"] = new JsonArray(new JsonObject { ["daysOfWeek"] = new JsonArray("thu"), ["availableStartTime"] = "09:00:00", ["availableEndTime"] = "17:00:00" }),
        };

        var wanted = await ServiceAsync(s => Merge(s, Service(true, "fr", location, "35489007")));
        await ServiceAsync(s => Merge(s, Service(false, "fr", location, "35489007")));
        await ServiceAsync(s => Merge(s, Service(true, "en", location, "35489007")));
        await ServiceAsync(s => Merge(s, Service(true, "fr", farLocation, "35489007")));
        await ServiceAsync(s => Merge(s, Service(true, "fr", location, "197480006")));

        var bundle = await SearchAsync(
            $"HealthcareService?service-type=http://snomed.info/sct|35489007&location.near={Latitude}|{Longitude}|20|km&communication=urn:ietf:bcp:47|fr" +
            $"&characteristic={Characteristic}|accepting-new-clients&characteristic={Characteristic}|telehealth&active=true&open-at=2026-11-26T14:30" +
            $"&_include=HealthcareService:location&_include=HealthcareService:organization&{Tag}");

        Assert.Equal([wanted], Fhir.Ids(bundle, "match"));
        Assert.Equal(new[] { location, organization }.Order(), Fhir.Ids(bundle, "include").Order());
    }

    private static void Merge(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source.ToList())
        {
            target[key] = value?.DeepClone();
        }
    }

    private static string? Link(JsonObject bundle, string relation) =>
        bundle["link"]!.AsArray().FirstOrDefault(l => (string?)l!["relation"] == relation)?["url"]?.ToString() is { } url
            ? url[(url.IndexOf("/fhir/", StringComparison.Ordinal) + 6)..]
            : null;

    private async Task<string> LocationAsync(double kilometresNorth, string status = "active") => await CreateAsync("Location", new JsonObject
    {
        ["status"] = status,
        ["name"] = $"Site {kilometresNorth.ToString(CultureInfo.InvariantCulture)} km {_unique}",
        ["position"] = new JsonObject { ["latitude"] = Math.Round(Latitude + (kilometresNorth * DegreesPerKm), 7), ["longitude"] = Longitude },
    });

    private async Task<string> ServiceAsync(Action<JsonObject> shape)
    {
        var service = new JsonObject { ["active"] = true, ["name"] = "Service " + _unique };
        shape(service);
        return await CreateAsync("HealthcareService", service);
    }

    private async Task<string> RoleAsync(JsonObject? period, JsonArray? availableTime = null)
    {
        var role = new JsonObject { ["active"] = true };
        if (period is not null)
        {
            role["period"] = period;
        }

        if (availableTime is not null)
        {
            role["availableTime"] = availableTime;
        }

        return await CreateAsync("PractitionerRole", role);
    }

    private async Task<string> CreateAsync(string type, JsonObject resource)
    {
        resource["resourceType"] = type;
        resource["meta"] = new JsonObject { ["tag"] = new JsonArray(new JsonObject { ["system"] = "http://example.org/test-run", ["code"] = _unique }) };
        using var response = await _client.PostAsync($"/fhir/{type}", Fhir.Json(resource));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.BodyAsync()).Id();
    }

    private static JsonArray References(params string[] references) =>
        new(references.Select(r => (JsonNode?)new JsonObject { ["reference"] = r }).ToArray());

    private static JsonArray Concepts(string system, params string[] codes) =>
        new(codes.Select(c => (JsonNode?)new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = system, ["code"] = c }) }).ToArray());

    private Task<JsonObject> SearchAsync(string relative) => _client.SearchStrictAsync(relative);
}

public sealed class SqliteDirectorySearchTests(SqliteFixture fixture) : DirectorySearchTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresDirectorySearchTests(PostgresFixture fixture) : DirectorySearchTests(fixture), IClassFixture<PostgresFixture>;
