using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// Whether an item is enabled by its <c>enableWhen</c> conditions
/// (http://hl7.org/fhir/R4/questionnaire-definitions.html#Questionnaire.item.enableWhen), combined
/// by <c>enableBehavior</c> (all when absent and there is a single condition). The operators follow
/// http://hl7.org/fhir/R4/codesystem-questionnaire-enable-operator.html: <c>=</c> and the ordering
/// operators hold when at least one answer satisfies them, <c>!=</c> when no answer equals the value.
/// When a question occurs several times (repeating groups), every occurrence's answers count; the
/// "nearest occurrence" rule of R4 is not applied.
/// </summary>
internal static class EnableWhen
{
    /// <summary>True when the item has no conditions or its conditions hold. Ancestors are the caller's concern.</summary>
    public static bool IsEnabled(Questionnaire.ItemComponent item, ResponseAnswers answers)
    {
        if (item.EnableWhen.Count == 0)
        {
            return true;
        }

        var results = item.EnableWhen.Select(condition => Holds(condition, answers));
        return item.EnableBehavior == Questionnaire.EnableWhenBehavior.Any ? results.Any(r => r) : results.All(r => r);
    }

    private static bool Holds(Questionnaire.EnableWhenComponent condition, ResponseAnswers answers)
    {
        var given = condition.Question is { } question ? answers.For(question) : [];
        return condition.Operator switch
        {
            Questionnaire.QuestionnaireItemOperator.Exists => (condition.Answer as FhirBoolean)?.Value == given.Count > 0,
            Questionnaire.QuestionnaireItemOperator.Equal => given.Any(a => Compare(a.Value, condition.Answer) == 0),
            Questionnaire.QuestionnaireItemOperator.NotEqual => !given.Any(a => Compare(a.Value, condition.Answer) == 0),
            Questionnaire.QuestionnaireItemOperator.GreaterThan => given.Any(a => Compare(a.Value, condition.Answer) > 0),
            Questionnaire.QuestionnaireItemOperator.LessThan => given.Any(a => Compare(a.Value, condition.Answer) < 0),
            Questionnaire.QuestionnaireItemOperator.GreaterOrEqual => given.Any(a => Compare(a.Value, condition.Answer) >= 0),
            Questionnaire.QuestionnaireItemOperator.LessOrEqual => given.Any(a => Compare(a.Value, condition.Answer) <= 0),
            _ => false,
        };
    }

    /// <returns>
    /// The order of the answer relative to the condition's value, or null when the two cannot be
    /// compared (different types, a Coding or boolean under an ordering operator, quantities in
    /// different units). A null never satisfies a condition.
    /// </returns>
    private static int? Compare(DataType? answer, DataType? expected) => (answer, expected) switch
    {
        (FhirBoolean a, FhirBoolean e) => a.Value == e.Value ? 0 : null,
        (Coding a, Coding e) => SameCoding(a, e) ? 0 : null,
        (Integer or FhirDecimal, Integer or FhirDecimal) when Number(answer) is { } a && Number(expected) is { } e => a.CompareTo(e),
        (Date a, Date e) => Ordered(a.Value, e.Value, v => new Date(v).ToDateTimeOffset()),
        (FhirDateTime a, FhirDateTime e) => Ordered(a.Value, e.Value, v => new FhirDateTime(v).ToDateTimeOffset(TimeSpan.Zero)),
        (Time a, Time e) => a.Value is null || e.Value is null ? null : string.CompareOrdinal(a.Value, e.Value),
        (FhirString a, FhirString e) => a.Value is null || e.Value is null ? null : string.CompareOrdinal(a.Value, e.Value),
        (Quantity a, Quantity e) when a.System == e.System && a.Code == e.Code && a.Value is { } av && e.Value is { } ev => av.CompareTo(ev),
        (ResourceReference a, ResourceReference e) => a.Reference is not null && a.Reference == e.Reference ? 0 : null,
        _ => null,
    };

    /// <summary>
    /// A condition's Coding without a system matches on code alone, so a form can say "code Y"
    /// without repeating the answer list's system.
    /// </summary>
    private static bool SameCoding(Coding answer, Coding expected) =>
        string.Equals(answer.Code, expected.Code, StringComparison.Ordinal)
        && (expected.System is null || string.Equals(answer.System, expected.System, StringComparison.Ordinal));

    private static decimal? Number(DataType? value) => value switch
    {
        Integer i => i.Value,
        FhirDecimal d => d.Value,
        _ => null,
    };

    private static int? Ordered(string? answer, string? expected, Func<string, DateTimeOffset> parse)
    {
        if (answer is null || expected is null)
        {
            return null;
        }

        try
        {
            return parse(answer).CompareTo(parse(expected));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return null;
        }
    }
}
