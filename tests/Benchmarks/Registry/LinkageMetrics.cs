namespace FhirMh.Benchmarks.Registry;

/// <summary>
/// Pairwise and cluster-level linkage quality, the measures of the record-linkage literature
/// (P. Christen, Data Matching, Springer 2012, ch. 7): precision = true auto-linked pairs / auto-linked
/// pairs, recall = true auto-linked pairs / true pairs, F1 their harmonic mean; pair completeness of
/// blocking = true pairs sharing a blocking key / true pairs. Pairs are counted within clusters
/// (n records give n(n-1)/2 pairs), never enumerated across the dataset.
/// </summary>
internal static class LinkageMetrics
{
    /// <summary>
    /// Precision, recall, F1, false auto-links, cluster correctness and review share of one replay.
    /// With no auto-linked pair precision is 1 (no false link made); with no true pair recall is 1.
    /// </summary>
    public static LinkageFigures Measure(IReadOnlyList<LinkOutcome> outcomes)
    {
        // An unlinked registration is a cluster of its own, keyed so that it meets no other.
        static string Cluster(LinkOutcome o) => o.GoldenId ?? "\0unlinked:" + o.RecordId;

        var truePairs = outcomes.GroupBy(o => o.PersonKey).Sum(g => Pairs(g.Count()));
        var autoLinkedPairs = outcomes.GroupBy(Cluster).Sum(g => Pairs(g.Count()));
        var truePositivePairs = outcomes.GroupBy(o => (Cluster(o), o.PersonKey)).Sum(g => Pairs(g.Count()));
        var precision = autoLinkedPairs == 0 ? 1 : (double)truePositivePairs / autoLinkedPairs;
        var recall = truePairs == 0 ? 1 : (double)truePositivePairs / truePairs;
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);

        var personsPerCluster = outcomes.GroupBy(Cluster).ToDictionary(g => g.Key, g => g.Select(o => o.PersonKey).Distinct().Count());
        var persons = outcomes.GroupBy(o => o.PersonKey).ToList();
        var correctPersons = persons.Count(person =>
            person.Select(Cluster).Distinct().ToList() is [var only] && personsPerCluster[only] == 1);

        return new LinkageFigures(
            outcomes.Count,
            persons.Count,
            truePairs,
            autoLinkedPairs,
            truePositivePairs,
            precision,
            recall,
            f1,
            autoLinkedPairs - truePositivePairs,
            persons.Count == 0 ? 1 : (double)correctPersons / persons.Count,
            outcomes.Count == 0 ? 0 : (double)outcomes.Count(o => o.IsUnderReview) / outcomes.Count,
            outcomes.Count(o => o.GoldenId is null));
    }

    /// <summary>
    /// Pair completeness of blocking: the share of true pairs (same person key) whose two records
    /// share at least one blocking key, the ceiling on the recall any matching after that blocking
    /// can reach. 1 when there is no true pair.
    /// </summary>
    public static double BlockingPairCompleteness(IReadOnlyList<PersonRecord> records, Func<PersonRecord, IReadOnlyList<string>> blockingKeys)
    {
        long truePairs = 0;
        long covered = 0;
        foreach (var person in records.GroupBy(r => r.PersonKey))
        {
            var keys = person.Select(r => blockingKeys(r).ToHashSet(StringComparer.Ordinal)).ToList();
            for (var i = 0; i < keys.Count; i++)
            {
                for (var j = i + 1; j < keys.Count; j++)
                {
                    truePairs++;
                    if (keys[i].Overlaps(keys[j]))
                    {
                        covered++;
                    }
                }
            }
        }

        return truePairs == 0 ? 1 : (double)covered / truePairs;
    }

    private static long Pairs(long n) => n * (n - 1) / 2;
}
