namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// An item (by <c>Questionnaire.item.code</c>) whose every answer but the listed negative ones is a
/// positive screen, e.g. PHQ-9 item 9 (44260-8), positive for any answer other than "Not at all".
/// </summary>
internal sealed record RiskItemRule(string ItemCode, IReadOnlyList<string> NegativeAnswers);
