using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// The <c>QuestionnaireResponse.item.answer.value[x]</c> types each <c>Questionnaire.item.type</c>
/// takes (http://hl7.org/fhir/R4/codesystem-item-type.html). A choice item also takes the types of
/// its answerOption values (R4 lets an option be an integer, date, time, string or Reference);
/// an open-choice item also takes free text as a string.
/// </summary>
internal static class AnswerTypes
{
    /// <returns>The FHIR type names allowed, or empty for group and display items, which take no answers.</returns>
    public static IReadOnlySet<string> For(Questionnaire.ItemComponent item) => item.Type switch
    {
        Questionnaire.QuestionnaireItemType.Boolean => Set("boolean"),
        Questionnaire.QuestionnaireItemType.Decimal => Set("decimal"),
        Questionnaire.QuestionnaireItemType.Integer => Set("integer"),
        Questionnaire.QuestionnaireItemType.Date => Set("date"),
        Questionnaire.QuestionnaireItemType.DateTime => Set("dateTime"),
        Questionnaire.QuestionnaireItemType.Time => Set("time"),
        Questionnaire.QuestionnaireItemType.String or Questionnaire.QuestionnaireItemType.Text => Set("string"),
        Questionnaire.QuestionnaireItemType.Url => Set("uri"),
        Questionnaire.QuestionnaireItemType.Choice => Set(["Coding", .. OptionTypes(item)]),
        Questionnaire.QuestionnaireItemType.OpenChoice => Set(["Coding", "string", .. OptionTypes(item)]),
        Questionnaire.QuestionnaireItemType.Attachment => Set("Attachment"),
        Questionnaire.QuestionnaireItemType.Reference => Set("Reference"),
        Questionnaire.QuestionnaireItemType.Quantity => Set("Quantity"),
        _ => Set(),
    };

    private static IEnumerable<string> OptionTypes(Questionnaire.ItemComponent item) =>
        item.AnswerOption.Where(o => o.Value is not null).Select(o => o.Value.TypeName);

    private static HashSet<string> Set(params IEnumerable<string> names) => new(names, StringComparer.Ordinal);
}
