using FhirMh.Registries.Matching;

namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>
/// The grades of the match-grade extension (extension-match-grade.html) for a score: certain at or
/// above the upper threshold (what matching on write links automatically), probable in the upper
/// half of the review band, possible in its lower half; below the lower threshold, no match.
/// </summary>
internal static class MatchGrades
{
    public const string ExtensionUrl = "http://hl7.org/fhir/StructureDefinition/match-grade";

    public const string Certain = "certain";

    public static string? Of(MatchRules rules, double weight)
    {
        if (weight >= rules.UpperThreshold)
        {
            return Certain;
        }

        if (weight >= (rules.LowerThreshold + rules.UpperThreshold) / 2)
        {
            return "probable";
        }

        return weight >= rules.LowerThreshold ? "possible" : null;
    }
}
