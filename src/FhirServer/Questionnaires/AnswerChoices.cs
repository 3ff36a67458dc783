using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// The answers an item allows, from its <c>answerOption</c> list or its <c>answerValueSet</c>
/// (questionnaire.html#Questionnaire.item.answerValueSet). <see cref="UnresolvedValueSet"/> names a
/// value set that could not be found or holds no enumerated concepts, so its codes cannot be checked.
/// </summary>
internal sealed record AnswerChoices(IReadOnlyList<AllowedAnswer> Answers, string? UnresolvedValueSet)
{
    /// <summary>True when at least one allowed answer carries a weight, which makes the item part of a score.</summary>
    public bool HasWeights => Answers.Any(a => a.Weight is not null);

    public AllowedAnswer? Find(DataType? answer) => answer is null ? null : Answers.FirstOrDefault(a => a.Matches(answer));
}
