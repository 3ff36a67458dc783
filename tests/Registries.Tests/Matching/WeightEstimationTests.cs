using FhirMh.Registries.Matching;

namespace FhirMh.Registries.Tests.Matching;

public class WeightEstimationTests
{
    // Start values deliberately off from the true ones below.
    private const string StartJson = """
        {
          "version": "em",
          "upperThreshold": 6,
          "lowerThreshold": 2,
          "priorMatchProbability": 0.01,
          "blockSizeCap": 10,
          "fields": [
            { "name": "family", "path": "f", "comparator": "name",
              "levels": [ { "name": "exact", "minimum": 1, "m": 0.7, "u": 0.1 }, { "name": "close", "minimum": 0.9, "m": 0.1, "u": 0.1 } ] },
            { "name": "birthDate", "path": "d", "comparator": "date",
              "levels": [ { "name": "exact", "kind": "exact", "m": 0.6, "u": 0.05 } ] },
            { "name": "postcode", "path": "p", "comparator": "text",
              "levels": [ { "name": "exact", "minimum": 1, "m": 0.6, "u": 0.2 } ] },
            { "name": "gender", "path": "g", "comparator": "exact",
              "levels": [ { "name": "exact", "m": 0.8, "u": 0.4 } ] }
          ],
          "blocking": []
        }
        """;

    // True m and u per field and level, the last entry of each being "disagree".
    private static readonly double[][] TrueM = [[0.85, 0.1, 0.05], [0.9, 0.1], [0.8, 0.2], [0.95, 0.05]];
    private static readonly double[][] TrueU = [[0.02, 0.08, 0.9], [0.01, 0.99], [0.1, 0.9], [0.5, 0.5]];

    private static List<ComparisonVector> Draw(int count, double matchProportion, int seed)
    {
        var random = new Random(seed);
        var pairs = new List<ComparisonVector>(count);
        for (var i = 0; i < count; i++)
        {
            var isMatch = random.NextDouble() < matchProportion;
            var levels = new int[TrueM.Length];
            for (var f = 0; f < levels.Length; f++)
            {
                if (random.NextDouble() < 0.05)
                {
                    levels[f] = -1;
                    continue;
                }

                var probabilities = isMatch ? TrueM[f] : TrueU[f];
                var draw = random.NextDouble();
                var level = 0;
                while (level < probabilities.Length - 1 && draw >= probabilities[level])
                {
                    draw -= probabilities[level];
                    level++;
                }

                levels[f] = level;
            }

            pairs.Add(new ComparisonVector(levels));
        }

        return pairs;
    }

    [Fact]
    public void Estimate_SyntheticPairs_RecoversKnownParameters()
    {
        var rules = MatchRules.Parse(StartJson);
        var pairs = Draw(40_000, 0.2, seed: 20240601);

        var estimate = WeightEstimation.Estimate(rules, pairs, maxIterations: 500, tolerance: 1e-7);

        Assert.True(estimate.Converged);
        Assert.Equal(0.2, estimate.MatchProportion, 0.03);
        Assert.Equal("em", estimate.Rules.Version);
        for (var f = 0; f < TrueM.Length; f++)
        {
            var field = estimate.Rules.Fields[f];
            for (var k = 0; k < field.Levels.Count; k++)
            {
                Assert.Equal(TrueM[f][k], field.Levels[k].M, 0.03);
                Assert.Equal(TrueU[f][k], field.Levels[k].U, 0.03);
            }
        }
    }

    [Fact]
    public void Estimate_WithRandomPairs_TakesUFromThemAndRecoversM()
    {
        var rules = MatchRules.Parse(StartJson);
        var pairs = Draw(40_000, 0.2, seed: 20240602);

        // Random pairs of records are non-matches but for a vanishing share: drawn from u alone.
        var randomPairs = Draw(40_000, 0.0, seed: 20240603);

        var estimate = WeightEstimation.Estimate(rules, pairs, randomPairs, maxIterations: 500, tolerance: 1e-7);

        Assert.True(estimate.Converged);
        Assert.Equal(0.2, estimate.MatchProportion, 0.03);
        for (var f = 0; f < TrueM.Length; f++)
        {
            var field = estimate.Rules.Fields[f];
            for (var k = 0; k < field.Levels.Count; k++)
            {
                Assert.Equal(TrueM[f][k], field.Levels[k].M, 0.03);
                Assert.Equal(TrueU[f][k], field.Levels[k].U, 0.01);
            }
        }
    }

    [Fact]
    public void Estimate_WithoutRandomPairs_Throws()
    {
        var rules = MatchRules.Parse(StartJson);

        Assert.Throws<ArgumentException>(() => WeightEstimation.Estimate(rules, Draw(10, 0.5, seed: 1), [], 10, 1e-6));
    }

    [Fact]
    public void Estimate_SameInput_SameResult()
    {
        var rules = MatchRules.Parse(StartJson);
        var pairs = Draw(5_000, 0.1, seed: 7);

        var first = WeightEstimation.Estimate(rules, pairs, 200, 1e-6);
        var second = WeightEstimation.Estimate(rules, pairs.AsEnumerable().Reverse().ToList(), 200, 1e-6);

        Assert.Equal(first.Rules.ToJson(), second.Rules.ToJson());
        Assert.Equal(first.Iterations, second.Iterations);
    }

    [Fact]
    public void Estimate_Result_ParsesBackAsValidRules()
    {
        var estimate = WeightEstimation.Estimate(MatchRules.Parse(StartJson), Draw(2_000, 0.3, seed: 1), 100, 1e-6);

        var reparsed = MatchRules.Parse(estimate.Rules.WithVersion("em-2").ToJson());

        Assert.Equal("em-2", reparsed.Version);
    }

    [Fact]
    public void Estimate_VectorOfWrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() =>
            WeightEstimation.Estimate(MatchRules.Parse(StartJson), [new ComparisonVector([0, 0])], 10, 1e-6));
    }
}
