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

    /// <summary>Every level's m within 0.03 of <see cref="TrueM"/>, and its u within <paramref name="uTolerance"/> of <see cref="TrueU"/>.</summary>
    private static void AssertTrueLevels(MatchRules estimated, double uTolerance)
    {
        for (var f = 0; f < TrueM.Length; f++)
        {
            var field = estimated.Fields[f];
            for (var k = 0; k < field.Levels.Count; k++)
            {
                Assert.Equal(TrueM[f][k], field.Levels[k].M, 0.03);
                Assert.Equal(TrueU[f][k], field.Levels[k].U, uTolerance);
            }
        }
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
        AssertTrueLevels(estimate.Rules, uTolerance: 0.03);
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
        AssertTrueLevels(estimate.Rules, uTolerance: 0.01);
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

    /// <summary>
    /// Pairs as blocking finds them, each once: the matches that agree exactly on family or birth
    /// date (a key of the pass of that name), and for each pass different people who share its key
    /// as blocking brings them together, drawn from u on their other fields.
    /// </summary>
    private static (List<BlockedPair> Pairs, double MatchShare) DrawBlocked(int matches, int differentPerPass, int seed)
    {
        var fieldOfPass = new Dictionary<string, int> { ["family"] = 0, ["birthDate"] = 1 };
        HashSet<string> Passes(IReadOnlyList<int> levels) => fieldOfPass.Where(p => levels[p.Value] == 0).Select(p => p.Key).ToHashSet();
        var pairs = Draw(matches, 1.0, seed)
            .Select(v => new BlockedPair(v, Passes(v.Levels)))
            .Where(p => p.Passes.Count > 0)
            .ToList();
        var blockedMatches = pairs.Count;
        foreach (var (_, keyField) in fieldOfPass)
        {
            foreach (var vector in Draw(differentPerPass, 0.0, seed + keyField + 1))
            {
                var levels = vector.Levels.ToArray();
                levels[keyField] = 0;
                pairs.Add(new BlockedPair(new ComparisonVector(levels), Passes(levels)));
            }
        }

        return (pairs, (double)blockedMatches / pairs.Count);
    }

    private const string BlockedJson = """
        {
          "version": "em", "upperThreshold": 6, "lowerThreshold": 2, "priorMatchProbability": 0.01, "blockSizeCap": 10,
          "fields": [
            { "name": "family", "path": "f", "comparator": "name",
              "levels": [ { "name": "exact", "minimum": 1, "m": 0.7, "u": 0.1 }, { "name": "close", "minimum": 0.9, "m": 0.1, "u": 0.1 } ] },
            { "name": "birthDate", "path": "d", "comparator": "date", "levels": [ { "name": "exact", "kind": "exact", "m": 0.6, "u": 0.05 } ] },
            { "name": "postcode", "path": "p", "comparator": "text", "levels": [ { "name": "exact", "minimum": 1, "m": 0.6, "u": 0.2 } ] },
            { "name": "gender", "path": "g", "comparator": "exact", "levels": [ { "name": "exact", "m": 0.8, "u": 0.4 } ] }
          ],
          "blocking": [
            { "name": "family", "keys": [ { "field": "family", "transform": "exact" } ] },
            { "name": "birthDate", "keys": [ { "field": "birthDate", "transform": "exact" } ] }
          ]
        }
        """;

    [Fact]
    public void EstimateByBlockingPass_DifferentPeopleWhoShareTheKey_RecoversM()
    {
        var rules = MatchRules.Parse(BlockedJson);
        var (pairs, matchShare) = DrawBlocked(10_000, 15_000, seed: 20261128);
        var randomPairs = Draw(40_000, 0.0, seed: 20261129);

        var estimate = WeightEstimation.EstimateByBlockingPass(rules, pairs, randomPairs, maxIterations: 500, tolerance: 1e-7);

        Assert.True(estimate.Converged);
        Assert.Equal(matchShare, estimate.MatchProportion, 0.02);
        AssertTrueLevels(estimate.Rules, uTolerance: 0.01);
    }

    [Fact]
    public void EstimatePooled_DifferentPeopleWhoShareTheKey_TakesThemForMatches()
    {
        // Why the estimate goes by pass: pooled over the same pairs, with the key fields in, EM counts
        // the different people of a block as matches and learns that matches disagree on birth dates.
        var rules = MatchRules.Parse(BlockedJson);
        var (pairs, matchShare) = DrawBlocked(10_000, 15_000, seed: 20261128);
        var randomPairs = Draw(40_000, 0.0, seed: 20261129);

        var pooled = WeightEstimation.Estimate(rules, [.. pairs.Select(p => p.Vector)], randomPairs, maxIterations: 500, tolerance: 1e-7);

        Assert.True(pooled.Rules.Fields[2].Levels[0].M < TrueM[2][0] - 0.1, $"postcode exact m {pooled.Rules.Fields[2].Levels[0].M}");
        Assert.True(pooled.MatchProportion > matchShare + 0.05, $"match proportion {pooled.MatchProportion} against {matchShare}");
    }

    [Fact]
    public void EstimateByBlockingPass_NoPairSharesAPass_KeepsThePooledEstimate()
    {
        var rules = MatchRules.Parse(BlockedJson);
        var vectors = Draw(20_000, 0.2, seed: 11);
        var randomPairs = Draw(20_000, 0.0, seed: 12);

        var byPass = WeightEstimation.EstimateByBlockingPass(rules, [.. vectors.Select(v => new BlockedPair(v, new HashSet<string>()))], randomPairs, 500, 1e-7);
        var pooled = WeightEstimation.Estimate(rules, vectors, randomPairs, 500, 1e-7);

        Assert.Equal(pooled.Rules.ToJson(), byPass.Rules.ToJson());
        Assert.Equal(pooled.MatchProportion, byPass.MatchProportion, 1e-4);
    }

    [Fact]
    public void SharedPasses_NamesThePassesOfCommonKeys()
    {
        var shared = RecordMatcher.SharedPasses(new HashSet<string> { "name:SMAT|JAN", "birthDate:19800101", "postcode:2000|S" }, ["name:SMAT|JAN", "birthDate:19800102", "postcode:2000|S"]);

        Assert.Equal(["name", "postcode"], shared.Order());
    }
}

