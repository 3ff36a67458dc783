using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// The value sets and code systems a questionnaire binds its answers to
/// (<c>Questionnaire.item.answerValueSet</c>), looked up by canonical URL (<c>url</c> or
/// <c>url|version</c>). The engine reads only what it is given: <c>compose.include.concept</c>,
/// <c>expansion.contains</c> and <c>CodeSystem.concept</c>.
/// </summary>
internal interface IQuestionnaireTerminology
{
    /// <returns>The value set, or null when none is known by that canonical.</returns>
    Task<ValueSet?> FindValueSetAsync(string canonical, CancellationToken cancellationToken);

    /// <returns>The code system, or null when none is known by that canonical.</returns>
    Task<CodeSystem?> FindCodeSystemAsync(string canonical, CancellationToken cancellationToken);
}
