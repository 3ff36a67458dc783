using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// Frequency adjustment of the family name (issue #6): once the registry's value counts are in,
/// agreeing on a family name many sources share weighs less than the rules' configured weight.
/// </summary>
public abstract class RegistryFrequencyTests(StorageFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task CommonFamilyName_WeighsLessOnceCounted()
    {
        var family = "Freq" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 12; i++)
        {
            using var created = await _client.PostAsync("/fhir/Patient", Fhir.Json(Person(family, $"Given{(char)('a' + i)}x", $"19{50 + i}-01-0{1 + (i % 9)}")));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // The counts are made in the background; the refresh interval is zero here, so each use asks for new ones.
        double? weight = null;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            weight = await FamilyWeightAsync(Person(family, "Givenax", "1950-01-01"));
            if (weight < Configured)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.True(weight < Configured, $"exact family weight {weight} is not below the configured {Configured}");
    }

    /// <summary>log2(m/u) of the family field's exact level in the built-in rules (m 0.8, u 0.002).</summary>
    private static double Configured => Math.Log2(0.8 / 0.002) - 0.001;

    private async Task<double?> FamilyWeightAsync(JsonObject query)
    {
        var parameters = new JsonObject
        {
            ["resourceType"] = "Parameters",
            ["parameter"] = new JsonArray(new JsonObject { ["name"] = "resource", ["resource"] = query }),
        };
        using var response = await _client.PostAsync("/fhir/Patient/$match", Fhir.Json(parameters));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = (await response.BodyAsync())["entry"]?.AsArray().FirstOrDefault();
        var explanation = entry?["search"]?["extension"]?.AsArray().FirstOrDefault(e => ((string)e!["url"]!).EndsWith("match-explanation", StringComparison.Ordinal));
        var family = explanation?["extension"]?.AsArray()
            .Where(e => (string?)e!["url"] == "field")
            .FirstOrDefault(f => f!["extension"]!.AsArray().Any(p => (string?)p!["url"] == "name" && (string?)p["valueString"] == "family"));
        var weight = family?["extension"]!.AsArray().Single(p => (string?)p!["url"] == "weight")!["valueDecimal"];
        return weight is null ? null : (double)weight;
    }

    private static JsonObject Person(string family, string given, string birthDate) => new()
    {
        ["resourceType"] = "Patient",
        ["identifier"] = new JsonArray(new JsonObject { ["system"] = "https://clinic-f.example/mrn", ["value"] = Guid.NewGuid().ToString("N") }),
        ["name"] = new JsonArray(new JsonObject { ["family"] = family, ["given"] = new JsonArray(given) }),
        ["gender"] = "male",
        ["birthDate"] = birthDate,
    };
}

/// <summary>A registry server that counts value frequencies on every use.</summary>
public sealed class RegistryFrequencySqliteFixture : SqliteFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["ClientRegistry:Enabled"] = "true",
        ["ClientRegistry:FrequencyRefresh"] = "00:00:00",
    };
}

/// <inheritdoc cref="RegistryFrequencySqliteFixture"/>
public sealed class RegistryFrequencyPostgresFixture : PostgresFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["ClientRegistry:Enabled"] = "true",
        ["ClientRegistry:FrequencyRefresh"] = "00:00:00",
    };
}

public sealed class SqliteRegistryFrequencyTests(RegistryFrequencySqliteFixture fixture) : RegistryFrequencyTests(fixture), IClassFixture<RegistryFrequencySqliteFixture>;

public sealed class PostgresRegistryFrequencyTests(RegistryFrequencyPostgresFixture fixture) : RegistryFrequencyTests(fixture), IClassFixture<RegistryFrequencyPostgresFixture>;
