namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// What FhirMh knows about one scored instrument beyond its questionnaire: the code of its total,
/// the severity bands of the total and the items whose answer calls for follow-up whatever the total.
/// One entry of instrument-rules.json; every code is in <see cref="System"/> (LOINC for PHQ-9 and GAD-7).
/// </summary>
/// <param name="Name">The instrument's usual name, for messages.</param>
/// <param name="System">The code system of the instrument's, items' and answers' codes.</param>
/// <param name="QuestionnaireCode">The code of the panel, matched against <c>Questionnaire.code</c>.</param>
/// <param name="TotalCode">The code of the total score item.</param>
/// <param name="Source">The publication the bands come from.</param>
/// <param name="Bands">Severity bands by inclusive total range.</param>
/// <param name="RiskItems">Items with a safety meaning of their own.</param>
internal sealed record InstrumentRule(
    string Name,
    string System,
    string QuestionnaireCode,
    string TotalCode,
    string Source,
    IReadOnlyList<SeverityBandRule> Bands,
    IReadOnlyList<RiskItemRule> RiskItems);
