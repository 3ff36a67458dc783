using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// A QuestionnaireResponse checked against its questionnaire and scored, ready to be written:
/// <see cref="Response"/> is what to store (the total filled in, the sensitivity labels added).
/// </summary>
internal sealed record PreparedResponse(
    QuestionnaireResponse Response,
    Questionnaire Questionnaire,
    InstrumentRule? Rule,
    decimal? Total,
    Coding? Band,
    bool IsRiskPositive,
    IReadOnlyList<OperationOutcome.IssueComponent> Warnings)
{
    /// <summary>Completed and amended responses yield Observations and alerts; in-progress ones do not.</summary>
    public bool IsFinal => Response.Status is QuestionnaireResponse.QuestionnaireResponseStatus.Completed or QuestionnaireResponse.QuestionnaireResponseStatus.Amended;
}
