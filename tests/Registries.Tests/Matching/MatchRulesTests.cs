using System.Text.Json.Nodes;
using FhirMh.Registries.ClientRegistry;
using FhirMh.Registries.Matching;

namespace FhirMh.Registries.Tests.Matching;

public class MatchRulesTests
{
    private static string Edit(Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(DefaultRules.PatientJson)!;
        edit(node);
        return node.ToJsonString();
    }

    public static TheoryData<string, string> InvalidRules => new()
    {
        { Edit(n => n["fields"]![2]!["levels"]![0]!["m"] = 1.5), "fields[2].levels[0].m must be in (0,1)" },
        { Edit(n => n["fields"]![0]!["levels"]![1]!["u"] = 0), "fields[0].levels[1].u must be in (0,1)" },
        { Edit(n => n["fields"]![1]!["comparator"] = "soundsLike"), "fields[1].comparator 'soundsLike' is not one of" },
        { Edit(n => n["fields"]![0]!["levels"]![0]!["m"] = 0.95), "fields[0].levels m values must sum to less than 1" },
        { Edit(n => n["fields"]![0]!["levels"]![1]!["minimum"] = 1), "fields[0].levels[1].minimum must be below the previous level's minimum" },
        { Edit(n => n["fields"]![2]!["levels"]![1]!["kind"] = "fuzzy"), "fields[2].levels[1].kind must be one of" },
        { Edit(n => n["fields"]![0]!["swapWith"] = "city"), "fields[0].swapWith must name another field" },
        { Edit(n => n["fields"]![0]!["minimun"] = 1), "fields[0].minimun is not a known property" },
        { Edit(n => n["blocking"]![3]!["keys"]![1]!["field"] = "surname"), "blocking[3].keys[1].field 'surname' is not a field" },
        { Edit(n => n["blocking"]![4]!["keys"]![0]!.AsObject().Remove("length")), "blocking[4].keys[0].length is required" },
        { Edit(n => n.AsObject().Remove("version")), "version is required" },
        { Edit(n => n["version"] = 1), "version must be a non-empty string" },
        { Edit(n => n["lowerThreshold"] = 30), "lowerThreshold must not exceed upperThreshold" },
        { Edit(n => n["priorMatchProbability"] = 1), "priorMatchProbability must be in (0,1)" },
        { "{ \"version\": ", "$ is not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(InvalidRules))]
    public void Parse_InvalidRules_ThrowsNamingPath(string json, string expectedStart)
    {
        var e = Assert.Throws<MatchRulesException>(() => MatchRules.Parse(json));

        Assert.StartsWith(expectedStart, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DefaultPatientRules_HasDocumentedShape()
    {
        var rules = DefaultRules.Patient;

        Assert.Equal("1", rules.Version);
        Assert.Equal(
            ["family", "given", "birthDate", "gender", "phone", "postcode", "city", "state", "addressLine", "identifier"],
            rules.Fields.Select(f => f.Name));
        Assert.Equal("Patient.telecom.where(system='phone').value", rules.Field("phone")!.Path);
        Assert.True(rules.Field("family")!.IsFrequencyAdjusted);
        Assert.Equal("given", rules.Field("family")!.SwapWith);
        Assert.Equal(7, rules.Blocking.Count);
        Assert.Equal(100, rules.BlockSizeCap);
        Assert.True(rules.UpperThreshold > rules.LowerThreshold);
    }

    [Fact]
    public void ToJson_DefaultRules_RoundTrips()
    {
        var json = DefaultRules.Patient.ToJson();
        var again = MatchRules.Parse(json);

        Assert.Equal(json, again.ToJson());
        Assert.Contains("system + '|' + value", json, StringComparison.Ordinal);
        Assert.Equal(DefaultRules.Patient.Fields.Select(f => f.Levels.Count), again.Fields.Select(f => f.Levels.Count));
        Assert.Equal(DefaultRules.Patient.Fields[2].Levels, again.Fields[2].Levels);
        Assert.Equal(DefaultRules.Patient.Blocking[4].Keys, again.Blocking[4].Keys);
        Assert.Equal(DefaultRules.Patient.UpperThreshold, again.UpperThreshold);
    }

    [Fact]
    public void WithVersion_NewVersion_KeepsEverythingElse()
    {
        var rules = DefaultRules.Patient.WithVersion("2024-06-01.1");

        Assert.Equal("2024-06-01.1", rules.Version);
        Assert.Equal("1", DefaultRules.Patient.Version);
        Assert.Equal(DefaultRules.Patient.ToJson().Replace("\"version\": \"1\"", "\"version\": \"2024-06-01.1\"", StringComparison.Ordinal), rules.ToJson());
    }

    [Fact]
    public void DisagreeLevel_IsWhatTheLevelsLeave()
    {
        var family = DefaultRules.Patient.Field("family")!;

        Assert.Equal(1 - 0.8 - 0.1 - 0.04, family.DisagreeM, 10);
        Assert.Equal(1 - 0.002 - 0.003 - 0.01, family.DisagreeU, 10);
        Assert.True(family.DisagreeWeight < 0);
    }
}
