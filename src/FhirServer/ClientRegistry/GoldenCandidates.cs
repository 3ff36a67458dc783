using FhirMh.Registries.Matching;

namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>
/// Scores a record against the golden records its blocking keys lead to. A golden record scores
/// as its best-matching source: sources keep each system's own view of the person, which is what
/// a new registration from that system resembles most.
/// </summary>
internal sealed class GoldenCandidates(RegistryRecords records, PreparedSources sources)
{
    /// <param name="rules">The rules in force.</param>
    /// <param name="record">The record being matched, prepared by <paramref name="rules"/>.</param>
    /// <param name="keys">Its blocking keys.</param>
    /// <param name="excludedGoldens">Golden records the record must not be matched to (cannot-link decisions).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>Each candidate golden record once, best first.</returns>
    public async Task<List<GoldenScore>> ScoreAsync(
        MatchRuleSet rules, PreparedRecord record, IReadOnlyList<string> keys, IReadOnlySet<string> excludedGoldens, CancellationToken cancellationToken)
    {
        var candidates = await records.CandidatesAsync(keys, rules.Rules.BlockSizeCap, cancellationToken);
        var best = new Dictionary<string, GoldenScore>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var candidate in candidates)
        {
            if (candidate.SourceId == record.Id || excludedGoldens.Contains(candidate.GoldenId) || !seen.Add(candidate.SourceId))
            {
                continue;
            }

            var score = rules.Matcher.Score(record, sources.Prepare(rules.Matcher, candidate.SourceId, candidate.Fields));
            if (!best.TryGetValue(candidate.GoldenId, out var found) || score.Weight > found.Score.Weight)
            {
                best[candidate.GoldenId] = new GoldenScore(candidate.GoldenId, candidate.SourceId, score);
            }
        }

        return best.Values.OrderByDescending(s => s.Score.Weight).ThenBy(s => s.GoldenId, StringComparer.Ordinal).ToList();
    }
}
