using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// One answer a questionnaire item allows (an <c>answerOption</c> value, or a concept of its
/// <c>answerValueSet</c> as a Coding), with its score weight when the questionnaire gives one.
/// </summary>
internal sealed record AllowedAnswer(DataType Value, decimal? Weight)
{
    /// <summary>
    /// Codings match on system and code (display is not part of a concept's identity); other values
    /// match exactly, as answerOption comparison asks (questionnaire.html#answerOption).
    /// </summary>
    public bool Matches(DataType answer) => (Value, answer) switch
    {
        (Coding allowed, Coding given) => string.Equals(allowed.System, given.System, StringComparison.Ordinal)
            && string.Equals(allowed.Code, given.Code, StringComparison.Ordinal),
        _ => Value.TypeName == answer.TypeName && Value.IsExactly(answer),
    };
}
