using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// Pages of a search with several criteria or a chain in the default order, read by walking the
/// smallest criterion's rows, or the type's live rows, and checking each candidate
/// (Search:RowIdWalkBudget 50 here: a first window of 32 candidates, then at most 18 more, then
/// the planner). Each test tags its own Patients and
/// makes some of them female; <c>gender:not=male</c> has no index rows of its own to walk, so the
/// walk goes over the tag's. The pages must hold exactly the females, in the order they were
/// created, however the page was found.
/// </summary>
public abstract class RowIdWalkTests(StorageFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();
    private readonly string _tag = Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task MatchesSpreadPastTheFirstWindow_ComeInCreationOrder_AcrossPages()
    {
        var ids = await CreateAsync(45, female: [10, 36, 38, 40, 42, 44]);

        var first = await _client.GetOkAsync($"Patient?_tag={_tag}&gender:not=male&_count=3");
        Assert.Equal([ids[10], ids[36], ids[38]], Matches(first));
        var second = await _client.GetOkAsync(Next(first));
        Assert.Equal([ids[40], ids[42], ids[44]], Matches(second));
        Assert.Null(NextOrNull(second));
    }

    [Fact]
    public async Task NoMatchInTheFirstWindow_LeavesThePageToThePlanner_WithNothingMissed()
    {
        var ids = await CreateAsync(45, female: [40, 41]);

        var page = await _client.GetOkAsync($"Patient?_tag={_tag}&gender:not=male&_count=3");

        Assert.Equal([ids[40], ids[41]], Matches(page));
        Assert.Null(NextOrNull(page));
    }

    [Fact]
    public async Task BudgetSpent_TheRestOfThePageComesFromThePlanner_AfterTheLastRowWalked()
    {
        var ids = await CreateAsync(75, female: [5, 49, 50, 60, 61, 62, 70]);

        var first = await _client.GetOkAsync($"Patient?_tag={_tag}&gender:not=male&_count=4");
        Assert.Equal([ids[5], ids[49], ids[50], ids[60]], Matches(first));
        var second = await _client.GetOkAsync(Next(first));
        Assert.Equal([ids[61], ids[62], ids[70]], Matches(second));
        Assert.Null(NextOrNull(second));
    }

    [Fact]
    public async Task ChainCheckedOneByOne_MatchesWhatTheJoinedChainMatches()
    {
        var ids = await CreateAsync(40, female: [3, 33, 39]);
        var observations = new List<string>();
        foreach (var (patient, index) in ids.Select((id, i) => (id, i)))
        {
            var code = index % 2 == 0 ? "even" : "odd";
            observations.Add(await _client.CreateAsync(new JsonObject
            {
                ["resourceType"] = "Observation",
                ["status"] = "final",
                ["meta"] = new JsonObject { ["tag"] = new JsonArray(new JsonObject { ["code"] = _tag }) },
                ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://example.org/parity", ["code"] = code }) },
                ["subject"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
            }));
        }

        var page = await _client.GetOkAsync($"Observation?_tag={_tag}&code=http://example.org/parity|odd&subject:Patient.gender:not=male&_count=10");

        Assert.Equal([observations[3], observations[33], observations[39]], Matches(page));
    }

    [Fact]
    public async Task ChainAlone_WithFewerRowsThanTheBudget_DrivesTheWalk_AcrossPages()
    {
        var family = "Few" + _tag;
        var observations = await ObservationsOfFamilyAsync(12, family, [2, 7, 11]);

        var first = await _client.GetOkAsync($"Observation?subject:Patient.family={family}&_count=2");
        Assert.Equal([observations[2], observations[7]], Matches(first));
        var second = await _client.GetOkAsync(Next(first));
        Assert.Equal([observations[11]], Matches(second));
        Assert.Null(NextOrNull(second));
    }

    [Fact]
    public async Task ChainAlone_WithMoreRowsThanTheBudget_WalksTheLiveRowsOfTheType_AndMissesNone()
    {
        // 60 of 70 Observations match: more chain rows than the budget (50), so the walk goes over
        // every live Observation in row id order, those of other tests first.
        var family = "Many" + _tag;
        var members = Enumerable.Range(1, 70).Where(i => i % 7 != 0).ToArray();
        var observations = await ObservationsOfFamilyAsync(70, family, members);

        var seen = await EveryPageAsync($"Observation?subject:Patient.family={family}&_count=25");

        Assert.Equal(members.Select(i => observations[i]), seen);
    }

    [Fact]
    public async Task OneTokenWithSystemAndCode_PagesItsIndexRowsInRowIdOrder_WithoutDeletedOrOldVersions()
    {
        // More rows than the budget (50): the walk reads the token's index in row id order, and a
        // short last page is the end of them. An updated Patient's current version is its newest
        // row, so it comes last; a deleted one not at all.
        var ids = new List<string>();
        for (var i = 0; i < 56; i++)
        {
            ids.Add(await _client.CreateAsync(Tagged(new JsonObject { ["resourceType"] = "Patient", ["gender"] = "female" })));
        }

        var deleted = await _client.DeleteAsync($"/fhir/Patient/{ids[3]}");
        Assert.True(deleted.IsSuccessStatusCode, await deleted.Content.ReadAsStringAsync());
        var updated = await _client.PutAsync($"/fhir/Patient/{ids[1]}", Fhir.Json(Tagged(new JsonObject { ["resourceType"] = "Patient", ["id"] = ids[1], ["gender"] = "other" })));
        Assert.True(updated.IsSuccessStatusCode);
        var expected = ids.Where((_, i) => i is not (1 or 3)).Append(ids[1]).ToList();

        var seen = await EveryPageAsync($"Patient?_tag=http://example.org/walk|{_tag}&_count=20");

        Assert.Equal(expected, seen);
    }

    /// <summary>The matches of every page of the search, following its next links.</summary>
    private async Task<List<string>> EveryPageAsync(string search)
    {
        var seen = new List<string>();
        var page = await _client.GetOkAsync(search);
        while (true)
        {
            seen.AddRange(Matches(page));
            if (NextOrNull(page) is not { } next)
            {
                return seen;
            }

            page = await _client.GetOkAsync(next);
        }
    }

    private JsonObject Tagged(JsonObject resource)
    {
        resource["meta"] = new JsonObject { ["tag"] = new JsonArray(new JsonObject { ["system"] = "http://example.org/walk", ["code"] = _tag }) };
        return resource;
    }

    /// <summary>
    /// Patients 1..count, each with one Observation made right after it (index 0 unused); the
    /// Patients at <paramref name="members"/> have the family name, the others another one.
    /// </summary>
    private async Task<List<string>> ObservationsOfFamilyAsync(int count, string family, int[] members)
    {
        var observations = new List<string> { string.Empty };
        for (var i = 1; i <= count; i++)
        {
            var patient = await _client.CreateAsync(new JsonObject
            {
                ["resourceType"] = "Patient",
                ["name"] = new JsonArray(new JsonObject { ["family"] = members.Contains(i) ? family : "Other" + _tag }),
            });
            observations.Add(await _client.CreateAsync(new JsonObject
            {
                ["resourceType"] = "Observation",
                ["status"] = "final",
                ["code"] = new JsonObject { ["text"] = "walk" },
                ["subject"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
            }));
        }

        return observations;
    }

    /// <summary>Patients 1..count in creation order (index 0 unused), tagged, female at the given positions and male elsewhere.</summary>
    private async Task<List<string>> CreateAsync(int count, int[] female)
    {
        var ids = new List<string> { string.Empty };
        for (var i = 1; i <= count; i++)
        {
            ids.Add(await _client.CreateAsync(new JsonObject
            {
                ["resourceType"] = "Patient",
                ["meta"] = new JsonObject { ["tag"] = new JsonArray(new JsonObject { ["code"] = _tag }) },
                ["gender"] = female.Contains(i) ? "female" : "male",
            }));
        }

        return ids;
    }

    private static List<string> Matches(JsonObject bundle) => bundle.Ids("match");

    private static string Next(JsonObject bundle) => NextOrNull(bundle) ?? throw new Xunit.Sdk.XunitException("The page has no next link.");

    private static string? NextOrNull(JsonObject bundle) =>
        bundle["link"]!.AsArray().SingleOrDefault(l => (string?)l!["relation"] == "next") is { } link
            ? new Uri((string)link["url"]!).PathAndQuery["/fhir/".Length..]
            : null;
}

/// <summary>A server on SQLite whose walks check at most 50 candidates.</summary>
public sealed class RowIdWalkSqliteFixture : SqliteFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Search:RowIdWalkBudget"] = "50" };
}

/// <summary>A server on PostgreSQL whose walks check at most 50 candidates.</summary>
public sealed class RowIdWalkPostgresFixture : PostgresFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Search:RowIdWalkBudget"] = "50" };
}

public sealed class SqliteRowIdWalkTests(RowIdWalkSqliteFixture fixture) : RowIdWalkTests(fixture), IClassFixture<RowIdWalkSqliteFixture>;

public sealed class PostgresRowIdWalkTests(RowIdWalkPostgresFixture fixture) : RowIdWalkTests(fixture), IClassFixture<RowIdWalkPostgresFixture>;
