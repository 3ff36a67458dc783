using FhirMh.Registries.Matching;
using FhirMh.Registries.ProviderRegistry;

namespace FhirMh.Registries.Tests.ProviderRegistry;

/// <summary>The duplicate rules shipped for Practitioner and Organization: they parse, and they separate variants of one provider from different providers.</summary>
public sealed class DirectoryRulesTests
{
    [Theory]
    [InlineData("Practitioner")]
    [InlineData("Organization")]
    public void For_EachCuratedType_ParsesWithBlockingPasses(string type)
    {
        var rules = DirectoryRules.For(type);

        Assert.NotEmpty(rules.Blocking);
        Assert.True(rules.LowerThreshold < rules.UpperThreshold);
        Assert.All(rules.Fields, f => Assert.StartsWith(type + ".", f.Path, StringComparison.Ordinal));
    }

    [Fact]
    public void For_AnotherType_Throws() =>
        Assert.Throws<ArgumentException>(() => DirectoryRules.For("Location"));

    [Fact]
    public void Practitioner_NicknameWithTheSamePhone_ScoresAtLeastTheLowerThreshold()
    {
        var matcher = new RecordMatcher(DirectoryRules.For("Practitioner"));
        var a = matcher.Prepare(Records.Make("a", ("family", ["Smithers"]), ("given", ["Jonathan"]), ("phone", ["+33 1 45 67 89 10"])));
        var b = matcher.Prepare(Records.Make("b", ("family", ["Smithers"]), ("given", ["Jon"]), ("phone", ["01 45 67 89 10"])));

        Assert.True(matcher.Score(a, b).Weight >= matcher.Rules.LowerThreshold);
        Assert.NotEmpty(matcher.BlockingKeys(a).Intersect(matcher.BlockingKeys(b)));
    }

    [Fact]
    public void Practitioner_SameFamilyOtherwiseDifferent_ScoresBelowTheLowerThreshold()
    {
        var matcher = new RecordMatcher(DirectoryRules.For("Practitioner"));
        var a = matcher.Prepare(Records.Make("a", ("family", ["Martin"]), ("given", ["Claire"]), ("phone", ["+33 1 45 67 89 10"]), ("postcode", ["75011"])));
        var b = matcher.Prepare(Records.Make("b", ("family", ["Martin"]), ("given", ["Paul"]), ("phone", ["+33 4 91 22 33 44"]), ("postcode", ["13001"])));

        Assert.True(matcher.Score(a, b).Weight < matcher.Rules.LowerThreshold);
    }

    [Fact]
    public void Organization_SpellingVariantAtTheSamePhoneAndAddress_ScoresAtLeastTheLowerThreshold()
    {
        var matcher = new RecordMatcher(DirectoryRules.For("Organization"));
        var a = matcher.Prepare(Records.Make("a", ("name", ["Saint Mary Mental Health Centre"]), ("phone", ["+1 514 555 0199"]), ("postcode", ["H2X 1Y4"])));
        var b = matcher.Prepare(Records.Make("b", ("name", ["St Mary Mental Health Center"]), ("phone", ["514-555-0199"]), ("postcode", ["H2X 1Y4"])));

        Assert.True(matcher.Score(a, b).Weight >= matcher.Rules.LowerThreshold);
    }
}
