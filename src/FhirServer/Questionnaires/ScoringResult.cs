using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>The outcome of scoring a response.</summary>
/// <param name="Response">
/// The response as given, or a copy with the computed total filled in when the response left it out
/// (<paramref name="IsTotalFilledIn"/>); the caller's instance is never changed.
/// </param>
/// <param name="Total">The recomputed total, or null when the questionnaire has no total item or no total may be computed.</param>
/// <param name="TotalLinkId">The linkId of the questionnaire's total item, or null when it has none.</param>
/// <param name="IsTotalFilledIn">True when <paramref name="Response"/> is a copy carrying the total the original left out.</param>
/// <param name="Issues">Errors about a submitted total that disagrees with the answers or that no answers support.</param>
internal sealed record ScoringResult(
    QuestionnaireResponse Response,
    decimal? Total,
    string? TotalLinkId,
    bool IsTotalFilledIn,
    IReadOnlyList<OperationOutcome.IssueComponent> Issues);
