using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// The seeds/ folder (issue #5): the PHQ-9 and GAD-7 Questionnaires are stored at start-up,
/// readable and searchable, matched on url and version so that a second start changes nothing.
/// Expected codes and weights are those of CLINICAL.md (LOINC panels 44249-1 and 69737-5,
/// answer list LL358-3).
/// </summary>
public abstract class SeedTests(StorageFixture fixture)
{
    private const string Phq9 = "https://fhirmh.org/fhir/Questionnaire/phq-9";
    private const string Gad7 = "https://fhirmh.org/fhir/Questionnaire/gad-7";
    private const string OrdinalValue = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
    private const string ItemWeight = "http://hl7.org/fhir/StructureDefinition/itemWeight";
    private const string CalculatedExpression = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression";
    private const string ObservationExtract = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-observationExtract";

    private static readonly string[] Phq9Items = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"];
    private static readonly string[] Gad7Items = ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"];
    private static readonly (string Code, decimal Weight)[] Ll3583 = [("LA6568-5", 0), ("LA6569-3", 1), ("LA6570-1", 2), ("LA6571-9", 3)];

    private readonly HttpClient _client = fixture.CreateClient();

    [Theory]
    [InlineData(Phq9, "phq-9")]
    [InlineData(Gad7, "gad-7")]
    public async Task Seed_IsFoundByUrlAndByUrlAndVersion(string url, string id)
    {
        var byUrl = await SearchAsync($"url={Uri.EscapeDataString(url)}");
        var byVersion = await SearchAsync($"url={Uri.EscapeDataString(url)}&version=1.0.0");
        var otherVersion = await SearchAsync($"url={Uri.EscapeDataString(url)}&version=0.9.0");

        Assert.Equal(id, Assert.Single(byUrl).Id());
        Assert.Equal(id, Assert.Single(byVersion).Id());
        Assert.Empty(otherVersion);
    }

    [Fact]
    public async Task Phq9Seed_NineRequiredWeightedItemsAReadOnlyExtractedTotalAndAnUnscoredDifficultyItem()
    {
        var questionnaire = await ReadAsync("phq-9");

        Assert.Equal("44249-1", (string?)Loinc(questionnaire));
        AssertScoredItems(questionnaire, Phq9Items);
        AssertTotal(questionnaire, "44261-6", Phq9Items);
        var difficulty = Item(questionnaire, "69722-7");
        Assert.Equal("choice", (string?)difficulty["type"]);
        Assert.False((bool?)difficulty["required"] ?? false);
        Assert.Equal(["LA6572-7", "LA6573-5", "LA6575-0", "LA6574-3"], Options(difficulty).Select(o => (string?)o["valueCoding"]!["code"]));
        Assert.All(Options(difficulty), o => Assert.Null(o["extension"]));
    }

    [Fact]
    public async Task Gad7Seed_SevenRequiredWeightedItemsAndItem2AlsoAcceptsMoreDaysThanNot()
    {
        var questionnaire = await ReadAsync("gad-7");

        Assert.Equal("69737-5", (string?)Loinc(questionnaire));
        AssertScoredItems(questionnaire, Gad7Items);
        AssertTotal(questionnaire, "70274-6", Gad7Items);
        Assert.DoesNotContain(Items(questionnaire), i => (string?)i["linkId"] == "69722-7");
        var item2 = Options(Item(questionnaire, "68509-9"));
        Assert.Equal(5, item2.Count);
        var moreDaysThanNot = Assert.Single(item2, o => (string?)o["valueCoding"]!["code"] == "LA18938-3");
        Assert.Equal(2m, Weight(moreDaysThanNot, OrdinalValue));
        Assert.Equal(2m, Weight(moreDaysThanNot, ItemWeight));
    }

    [Theory]
    [InlineData("phq-9")]
    [InlineData("gad-7")]
    public async Task Seed_CopyrightCarriesThePfizerAndLoincNotices(string id)
    {
        var questionnaire = await ReadAsync(id);

        var copyright = (string)questionnaire["copyright"]!;
        Assert.Contains("educational grant from Pfizer Inc.", copyright, StringComparison.Ordinal);
        Assert.Contains("LOINC is copyright Regenstrief Institute, Inc.", copyright, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seed_ASecondStartChangesNothing()
    {
        await using (fixture.StartServer(new Dictionary<string, string>()))
        {
        }

        foreach (var (url, id) in new[] { (Phq9, "phq-9"), (Gad7, "gad-7") })
        {
            Assert.Equal("1", (await ReadAsync(id)).VersionId());
            Assert.Single(await SearchAsync($"url={Uri.EscapeDataString(url)}"));
            using var history = await _client.GetAsync($"/fhir/Questionnaire/{id}/_history");
            Assert.Single((await history.BodyAsync())["entry"]!.AsArray());
        }
    }

    [Theory]
    [InlineData("Questionnaire-phq-9.json")]
    [InlineData("Questionnaire-gad-7.json")]
    public async Task Seed_PassesTheServersOwnValidation(string file)
    {
        var seed = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "seeds", file));

        using var response = await _client.PostAsync("/fhir/Questionnaire/$validate", Fhir.Json(seed));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(await ValidationTests.IssuesAsync(response), i => (string?)i["severity"] is "error" or "fatal");
    }

    [Fact]
    public async Task Seed_StoredByAClientUnderAnotherId_IsNotStoredAgain()
    {
        var url = $"https://clinic.example/Questionnaire/{Guid.NewGuid():N}";
        using var posted = await _client.PostAsync("/fhir/Questionnaire", Fhir.Json(Questionnaire(null, url)));
        var clientsId = (await posted.BodyAsync()).Id();

        await StartWithSeedAsync(Questionnaire("seeded-" + Guid.NewGuid().ToString("N")[..8], url));

        Assert.Equal(clientsId, Assert.Single(await SearchAsync($"url={Uri.EscapeDataString(url)}&version=1.0.0")).Id());
    }

    [Fact]
    public async Task Seed_WhoseIdIsTaken_GetsAServerAssignedIdAndLeavesTheOtherResource()
    {
        var id = "taken-" + Guid.NewGuid().ToString("N")[..8];
        var clientsUrl = $"https://clinic.example/Questionnaire/{Guid.NewGuid():N}";
        var seedUrl = $"https://clinic.example/Questionnaire/{Guid.NewGuid():N}";
        using var put = await _client.PutAsync($"/fhir/Questionnaire/{id}", Questionnaire(id, clientsUrl), ifMatch: null);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        await StartWithSeedAsync(Questionnaire(id, seedUrl));

        Assert.NotEqual(id, Assert.Single(await SearchAsync($"url={Uri.EscapeDataString(seedUrl)}")).Id());
        var clients = await ReadAsync(id);
        Assert.Equal(clientsUrl, (string?)clients["url"]);
        Assert.Equal("1", clients.VersionId());
    }

    private static void AssertScoredItems(JsonObject questionnaire, string[] linkIds)
    {
        var scored = Items(questionnaire).Where(i => linkIds.Contains((string?)i["linkId"])).ToList();
        Assert.Equal(linkIds, scored.Select(i => (string?)i["linkId"]));
        foreach (var item in scored)
        {
            Assert.Equal((string?)item["linkId"], (string?)Loinc(item));
            Assert.Equal("choice", (string?)item["type"]);
            Assert.True((bool?)item["required"]);
            Assert.Null(item["extension"]);
            foreach (var (code, weight) in Ll3583)
            {
                var option = Assert.Single(Options(item), o => (string?)o["valueCoding"]!["code"] == code);
                Assert.Equal("http://loinc.org", (string?)option["valueCoding"]!["system"]);
                Assert.Equal(weight, Weight(option, OrdinalValue));
                Assert.Equal(weight, Weight(option, ItemWeight));
            }
        }
    }

    private static void AssertTotal(JsonObject questionnaire, string linkId, string[] scoredLinkIds)
    {
        var total = Item(questionnaire, linkId);
        Assert.Equal(linkId, (string?)Loinc(total));
        Assert.Equal("integer", (string?)total["type"]);
        Assert.True((bool?)total["readOnly"]);
        Assert.False((bool?)total["required"] ?? false);
        var extensions = total["extension"]!.AsArray();
        var calculated = Assert.Single(extensions, e => (string?)e!["url"] == CalculatedExpression)!["valueExpression"]!;
        Assert.Equal("text/fhirpath", (string?)calculated["language"]);
        Assert.All(scoredLinkIds, l => Assert.Contains($"'{l}'", (string)calculated["expression"]!, StringComparison.Ordinal));
        Assert.True((bool?)Assert.Single(extensions, e => (string?)e!["url"] == ObservationExtract)!["valueBoolean"]);
        Assert.Single(Items(questionnaire), i => i["extension"]?.AsArray().Any(e => (string?)e!["url"] == ObservationExtract) == true);
    }

    private static JsonObject Questionnaire(string? id, string url)
    {
        var questionnaire = new JsonObject { ["resourceType"] = "Questionnaire", ["url"] = url, ["version"] = "1.0.0", ["status"] = "active" };
        if (id is not null)
        {
            questionnaire["id"] = id;
        }

        return questionnaire;
    }

    /// <summary>Starts a second server on the same database whose seeds/ folder holds only <paramref name="seed"/>, and stops it.</summary>
    private async Task StartWithSeedAsync(JsonObject seed)
    {
        var folder = Path.Combine(Path.GetTempPath(), "fhirmh-seeds-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "Questionnaire-seed.json"), seed.ToJsonString());
            await using (fixture.StartServer(new Dictionary<string, string> { ["Seeding:Folder"] = folder }))
            {
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task<JsonObject> ReadAsync(string id)
    {
        using var response = await _client.GetAsync($"/fhir/Questionnaire/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.BodyAsync();
    }

    private async Task<List<JsonObject>> SearchAsync(string query)
    {
        using var response = await _client.GetAsync($"/fhir/Questionnaire?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.BodyAsync())["entry"]?.AsArray().Select(e => e!["resource"]!.AsObject()).ToList() ?? [];
    }

    private static List<JsonObject> Items(JsonObject questionnaire) => questionnaire["item"]!.AsArray().Select(i => i!.AsObject()).ToList();

    private static JsonObject Item(JsonObject questionnaire, string linkId) => Assert.Single(Items(questionnaire), i => (string?)i["linkId"] == linkId);

    private static List<JsonObject> Options(JsonObject item) => item["answerOption"]!.AsArray().Select(o => o!.AsObject()).ToList();

    private static JsonNode? Loinc(JsonObject element) =>
        Assert.Single(element["code"]!.AsArray(), c => (string?)c!["system"] == "http://loinc.org")!["code"];

    private static decimal? Weight(JsonObject option, string extensionUrl) =>
        (decimal?)Assert.Single(option["extension"]!.AsArray(), e => (string?)e!["url"] == extensionUrl)!["valueDecimal"];
}

public sealed class SqliteSeedTests(SqliteFixture fixture) : SeedTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresSeedTests(PostgresFixture fixture) : SeedTests(fixture), IClassFixture<PostgresFixture>;
