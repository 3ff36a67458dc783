using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Search;
using FhirMh.FhirServer.Storage;
using FhirMh.FhirServer.Validation;
using FhirMh.Registries.Matching;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>
/// Searchset entries for scored golden records, as <c>Patient/$match</c> and the review queue
/// return them: the golden record, <c>search.score</c> in 0..1, the match grade, and why: each
/// field's agreement level and weight, in an extension on <c>search</c>.
/// </summary>
internal sealed class MatchEntries(FhirDbContext db, CanonicalBase canonical)
{
    public string ExplanationUrl => canonical.Of("StructureDefinition/match-explanation");

    /// <summary>
    /// The entries of <paramref name="graded"/>, in their order, with each golden record's stored
    /// JSON as it is (read in one query, never parsed); a golden record that no longer exists is left out.
    /// </summary>
    public async Task<List<SearchsetEntry>> EntriesAsync(
        string baseUrl, MatchRuleSet rules, IReadOnlyList<(GoldenScore Scored, string Grade)> graded, CancellationToken cancellationToken)
    {
        var ids = graded.Select(g => g.Scored.GoldenId).Distinct(StringComparer.Ordinal).ToList();
        var stored = await MatchedRow.ReadCurrentPatientsAsync(db, ids, cancellationToken);
        var entries = new List<SearchsetEntry>(graded.Count);
        foreach (var (scored, grade) in graded)
        {
            if (!stored.TryGetValue(scored.GoldenId, out var golden))
            {
                continue;
            }

            var search = new Bundle.SearchComponent
            {
                Mode = Bundle.SearchEntryMode.Match,
                Score = (decimal)Math.Round(scored.Score.Probability, 4),
            };
            search.Extension.Add(new Extension(MatchGrades.ExtensionUrl, new Code(grade)));
            search.Extension.Add(Explanation(rules, $"Patient/{scored.SourceId}", scored.Score));
            entries.Add(SearchsetEntry.Of(baseUrl, golden, Bundle.SearchEntryMode.Match) with { Search = search });
        }

        return entries;
    }

    /// <summary>Why a record scored as it did against <paramref name="comparedWith"/>: each field's agreement level and weight.</summary>
    public Extension Explanation(MatchRuleSet rules, string comparedWith, MatchScore score)
    {
        var explanation = new Extension { Url = ExplanationUrl };
        explanation.Extension.Add(new Extension("weight", new FhirDecimal((decimal)Math.Round(score.Weight, 4))));
        explanation.Extension.Add(new Extension("ruleVersion", new FhirString(rules.Version)));
        explanation.Extension.Add(new Extension("comparedWith", new ResourceReference(comparedWith)));
        foreach (var field in score.Fields)
        {
            explanation.Extension.Add(Field(field));
        }

        return explanation;
    }

    private static Extension Field(FieldScore field)
    {
        var extension = new Extension { Url = "field" };
        extension.Extension.Add(new Extension("name", new FhirString(field.Field)));
        extension.Extension.Add(new Extension("level", new Code(field.Level)));
        extension.Extension.Add(new Extension("weight", new FhirDecimal((decimal)Math.Round(field.Weight, 4))));
        return extension;
    }
}
