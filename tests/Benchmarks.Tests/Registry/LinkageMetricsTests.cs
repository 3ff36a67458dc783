using FhirMh.Benchmarks.Registry;

namespace FhirMh.Benchmarks.Tests.Registry;

public class LinkageMetricsTests
{
    // Four persons, eight registrations, four golden records:
    //   person 1: r1 r2 -> G1, r3 -> G2 (split; r3 sent to review)
    //   person 2: r4 r5 -> G3, person 3: r6 -> G3 (merged with a stranger)
    //   person 4: r7 r8 -> G4 (right)
    // True pairs: 3 (person 1) + 1 (person 2) + 1 (person 4) = 5.
    // Auto-linked pairs: 1 (G1) + 0 (G2) + 3 (G3) + 1 (G4) = 5; of them true: r1-r2, r4-r5, r7-r8 = 3.
    private static readonly LinkOutcome[] Clustering =
    [
        new("r1", 1, "G1", false), new("r2", 1, "G1", false), new("r3", 1, "G2", true),
        new("r4", 2, "G3", false), new("r5", 2, "G3", false), new("r6", 3, "G3", false),
        new("r7", 4, "G4", false), new("r8", 4, "G4", false),
    ];

    [Fact]
    public void Measure_HandMadeClustering_CountsPairsWithinClusters()
    {
        var figures = LinkageMetrics.Measure(Clustering);

        Assert.Equal(8, figures.Records);
        Assert.Equal(4, figures.Persons);
        Assert.Equal(5, figures.TruePairs);
        Assert.Equal(5, figures.AutoLinkedPairs);
        Assert.Equal(3, figures.TruePositivePairs);
        Assert.Equal(0.6, figures.Precision, 12);
        Assert.Equal(0.6, figures.Recall, 12);
        Assert.Equal(0.6, figures.F1, 12);
        Assert.Equal(2, figures.FalseAutoLinks); // r4-r6 and r5-r6
        Assert.Equal(0.25, figures.ClusterCorrectness, 12); // only person 4
        Assert.Equal(1.0 / 8, figures.ReviewShare, 12);
        Assert.Equal(0, figures.Unlinked);
    }

    [Fact]
    public void Measure_PrecisionAndRecallDiffer_F1IsTheirHarmonicMean()
    {
        // Person 1's three registrations all linked (3 true pairs) plus a stranger in the same cluster:
        // 6 auto-linked pairs, 3 true -> precision 0.5; person 2's pair missed -> recall 3/4.
        LinkOutcome[] outcomes =
        [
            new("a", 1, "G", false), new("b", 1, "G", false), new("c", 1, "G", false), new("d", 3, "G", false),
            new("e", 2, "H", false), new("f", 2, "I", false),
        ];

        var figures = LinkageMetrics.Measure(outcomes);

        Assert.Equal(0.5, figures.Precision, 12);
        Assert.Equal(0.75, figures.Recall, 12);
        Assert.Equal(2 * 0.5 * 0.75 / 1.25, figures.F1, 12);
        Assert.Equal(3, figures.FalseAutoLinks);
        Assert.Equal(0, figures.ClusterCorrectness, 12);
    }

    [Fact]
    public void Measure_GroundTruthAsClusters_IsPerfect()
    {
        var perfect = Clustering.Select(o => o with { GoldenId = "P" + o.PersonKey }).ToList();

        var figures = LinkageMetrics.Measure(perfect);

        Assert.Equal((1.0, 1.0, 1.0, 0L, 1.0), (figures.Precision, figures.Recall, figures.F1, figures.FalseAutoLinks, figures.ClusterCorrectness));
    }

    [Fact]
    public void Measure_UnlinkedRegistrations_AreClustersOfTheirOwn()
    {
        // Two registrations of one person, neither linked: no link made (precision 1), the pair missed.
        LinkOutcome[] outcomes = [new("a", 1, null, false), new("b", 1, null, false), new("c", 2, "G", false)];

        var figures = LinkageMetrics.Measure(outcomes);

        Assert.Equal(0, figures.AutoLinkedPairs);
        Assert.Equal(1.0, figures.Precision);
        Assert.Equal(0.0, figures.Recall);
        Assert.Equal(0.0, figures.F1);
        Assert.Equal(2, figures.Unlinked);
        Assert.Equal(0.5, figures.ClusterCorrectness, 12); // person 2 alone in G
    }

    [Fact]
    public void Measure_AllSingletons_NoTruePairsMeansFullRecall()
    {
        LinkOutcome[] outcomes = [new("a", 1, "G1", false), new("b", 2, "G2", true)];

        var figures = LinkageMetrics.Measure(outcomes);

        Assert.Equal((0L, 1.0, 1.0), (figures.TruePairs, figures.Precision, figures.Recall));
        Assert.Equal(0.5, figures.ReviewShare, 12);
    }

    [Fact]
    public void BlockingPairCompleteness_CountsTruePairsSharingAKey()
    {
        // Person 1: keys {a}, {a,b}, {c} -> of its 3 pairs only (1,2) shares a key.
        // Person 2: keys {x}, {x} -> its one pair does. Person 3 alone has no pair. 2 of 4 pairs covered.
        var keys = new Dictionary<string, string[]>
        {
            ["p1-1"] = ["a"], ["p1-2"] = ["a", "b"], ["p1-3"] = ["c"], ["p2-1"] = ["x"], ["p2-2"] = ["x"], ["p3-1"] = ["a"],
        };
        var records = keys.Keys.Select(id => Record(id, int.Parse(id[1..2], System.Globalization.CultureInfo.InvariantCulture))).ToList();

        var completeness = LinkageMetrics.BlockingPairCompleteness(records, r => keys[r.RecordId]);

        Assert.Equal(0.5, completeness, 12);
    }

    [Fact]
    public void BlockingPairCompleteness_KeysSharedOnlyAcrossPersons_DoNotCount()
    {
        var records = new[] { Record("a", 1), Record("b", 1), Record("c", 2) };

        var completeness = LinkageMetrics.BlockingPairCompleteness(records, r => r.RecordId == "b" ? ["k2"] : ["k1"]);

        Assert.Equal(0.0, completeness);
    }

    private static PersonRecord Record(string id, int personKey) =>
        new(id, personKey, RegistryDataset.SourceA, "ann", "lee", null, null, null, null, null, null, null, null);
}
