using FhirMh.FhirServer.Validation;
using FhirMh.Registries.Matching;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>
/// Searchset entries for scored golden records, as <c>Patient/$match</c> and the review queue
/// return them: the golden record, <c>search.score</c> in 0..1, the match grade, and why: each
/// field's agreement level and weight, in an extension on <c>search</c>.
/// </summary>
internal sealed class MatchEntries(GoldenRecords goldens, CanonicalBase canonical)
{
    public string ExplanationUrl => canonical.Of("StructureDefinition/match-explanation");

    /// <summary>The entry of <paramref name="scored"/>, or null when its golden record no longer exists.</summary>
    public async Task<Bundle.EntryComponent?> EntryAsync(string baseUrl, MatchRuleSet rules, GoldenScore scored, string grade, CancellationToken cancellationToken)
    {
        if (await goldens.ReadAsync(scored.GoldenId, cancellationToken) is not { } golden)
        {
            return null;
        }

        var search = new Bundle.SearchComponent
        {
            Mode = Bundle.SearchEntryMode.Match,
            Score = (decimal)Math.Round(scored.Score.Probability, 4),
        };
        search.Extension.Add(new Extension(MatchGrades.ExtensionUrl, new Code(grade)));
        search.Extension.Add(Explanation(rules, $"Patient/{scored.SourceId}", scored.Score));
        return new Bundle.EntryComponent { FullUrl = $"{baseUrl}/Patient/{golden.Id}", Resource = golden, Search = search };
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
