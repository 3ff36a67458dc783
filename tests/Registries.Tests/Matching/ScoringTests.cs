using FhirMh.Registries.Matching;

namespace FhirMh.Registries.Tests.Matching;

public class ScoringTests
{
    // m/u chosen so the weights are whole bits: log2(0.8/0.1) = 3, log2(0.1/0.4) = -2, log2(0.5/0.25) = 1.
    private const string Json = """
        {
          "version": "7",
          "upperThreshold": 4,
          "lowerThreshold": 0,
          "priorMatchProbability": 0.5,
          "blockSizeCap": 10,
          "fields": [
            { "name": "family", "path": "Patient.name.family", "comparator": "name", "frequencyAdjusted": true,
              "levels": [ { "name": "exact", "minimum": 1, "m": 0.8, "u": 0.1 }, { "name": "close", "minimum": 0.9, "m": 0.1, "u": 0.5 } ] },
            { "name": "gender", "path": "Patient.gender", "comparator": "exact",
              "levels": [ { "name": "exact", "m": 0.5, "u": 0.25 } ] }
          ],
          "blocking": [ { "name": "family", "keys": [ { "field": "family", "transform": "exact" } ] } ]
        }
        """;

    private static readonly MatchRules Rules = MatchRules.Parse(Json);

    // family: exact 3, close log2(0.1/0.5) = -2.3219, disagree log2(0.1/0.4) = -2;
    // gender: exact 1, disagree log2(0.5/0.75) = -0.5850; missing 0.
    [Theory]
    [InlineData(0, 0, 4.0, MatchOutcome.Match)]
    [InlineData(0, 1, 2.4150, MatchOutcome.PossibleMatch)]
    [InlineData(1, 0, -1.3219, MatchOutcome.NonMatch)]
    [InlineData(2, -1, -2.0, MatchOutcome.NonMatch)]
    [InlineData(-1, -1, 0.0, MatchOutcome.PossibleMatch)]
    public void Score_Vector_SumsLevelWeights(int family, int gender, double expectedWeight, MatchOutcome expected)
    {
        var matcher = new RecordMatcher(Rules);

        var score = matcher.Score(new ComparisonVector([family, gender]));

        Assert.Equal(expectedWeight, score.Weight, 4);
        Assert.Equal(expected, score.Outcome);
        Assert.Equal(score.Weight, score.Fields.Sum(f => f.Weight), 10);
        Assert.Equal(matcher.Probability(score.Weight), score.Probability);
    }

    [Fact]
    public void Score_MissingField_WeightZeroLevelMissing()
    {
        var matcher = new RecordMatcher(Rules);
        var a = matcher.Prepare(Records.Make("a", ("family", ["Smith"])));
        var b = matcher.Prepare(Records.Make("b", ("family", ["Smith"]), ("gender", ["male"])));

        var score = matcher.Score(a, b);

        Assert.Equal(new FieldScore("gender", "missing", 0, null, null), score.Fields[1]);
        Assert.Equal(new FieldScore("family", "exact", 3, "SMITH", "SMITH"), score.Fields[0]);
        Assert.Equal(new ComparisonVector([0, -1]), matcher.Compare(a, b));
    }

    [Theory]
    [InlineData(4.0, MatchOutcome.Match)]
    [InlineData(3.999, MatchOutcome.PossibleMatch)]
    [InlineData(0.0, MatchOutcome.PossibleMatch)]
    [InlineData(-0.001, MatchOutcome.NonMatch)]
    public void Classify_Weight_UsesThresholdsInclusiveAbove(double weight, MatchOutcome expected)
    {
        Assert.Equal(expected, new RecordMatcher(Rules).Classify(weight));
    }

    [Theory]
    [InlineData(0.5, 0.0, 0.5)]
    [InlineData(0.5, 1.0, 2.0 / 3)]
    [InlineData(0.2, 2.0, 0.5)] // prior odds 1/4 = 2^-2, cancelled by 2 bits
    [InlineData(0.0001, 0.0, 0.0001)]
    public void Probability_WeightAndPrior_IsPosterior(double prior, double weight, double expected)
    {
        var rules = MatchRules.Parse(Json.Replace("\"priorMatchProbability\": 0.5", $"\"priorMatchProbability\": {prior.ToString(System.Globalization.CultureInfo.InvariantCulture)}", StringComparison.Ordinal));

        Assert.Equal(expected, new RecordMatcher(rules).Probability(weight), 6);
    }

    [Fact]
    public void Score_FrequencyAdjusted_RareValueWeighsMore()
    {
        var frequencies = new FixedFrequencies(new Dictionary<string, double> { ["SMITH"] = 0.2, ["ZYLBERSZTEJN"] = 0.0001 });
        var matcher = new RecordMatcher(Rules, frequencies);
        MatchScore Exact(string name) => matcher.Score(
            matcher.Prepare(Records.Make("a", ("family", [name]))),
            matcher.Prepare(Records.Make("b", ("family", [name]))));

        Assert.Equal(Math.Log2(0.8 / 0.2), Exact("Smith").Weight, 10);
        Assert.Equal(Math.Log2(0.8 / 0.0001), Exact("Zylbersztejn").Weight, 10);
        Assert.Equal(3, Exact("Jones").Weight, 10); // unknown value: configured u
    }

    [Fact]
    public void Score_FrequencyBelowFloor_UsesFloor()
    {
        var matcher = new RecordMatcher(Rules, new FixedFrequencies(new Dictionary<string, double> { ["SMITH"] = 0 }));
        var a = matcher.Prepare(Records.Make("a", ("family", ["Smith"])));

        Assert.Equal(Math.Log2(0.8 / RecordMatcher.FrequencyFloor), matcher.Score(a, a).Weight, 10);
    }

    [Fact]
    public void ComparisonVector_SameLevels_AreEqual()
    {
        var set = new HashSet<ComparisonVector> { new([0, 1, -1]), new([0, 1, -1]) };

        Assert.Single(set);
        Assert.NotEqual(new ComparisonVector([0, 1]), new ComparisonVector([1, 0]));
    }

    private sealed class FixedFrequencies(Dictionary<string, double> values) : IValueFrequencies
    {
        public double? Frequency(string field, string normalisedValue) =>
            values.TryGetValue(normalisedValue, out var f) ? f : null;
    }
}
