using System.Text.Json;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// The instrument rules of instrument-rules.json (embedded in the assembly, read once), keyed by
/// the questionnaire's code: rules are data, so another instrument needs an entry, not code.
/// Band codes are in the score-severity CodeSystem, whose URL follows the configured canonical base.
/// </summary>
internal sealed class InstrumentRules
{
    private const string ResourceName = "FhirMh.FhirServer.Questionnaires.instrument-rules.json";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static readonly Lazy<IReadOnlyList<InstrumentRule>> Embedded = new(ReadEmbedded);

    private readonly Dictionary<string, InstrumentRule> _byCode;
    private readonly string _severitySystem;

    /// <param name="severitySystem">The URL of the score-severity CodeSystem, e.g. <c>https://fhirmh.org/fhir/CodeSystem/score-severity</c>.</param>
    public InstrumentRules(string severitySystem)
        : this(severitySystem, Embedded.Value)
    {
    }

    public InstrumentRules(string severitySystem, IReadOnlyList<InstrumentRule> rules)
    {
        _severitySystem = severitySystem;
        _byCode = rules.ToDictionary(r => r.QuestionnaireCode, StringComparer.Ordinal);
    }

    /// <exception cref="JsonException">The JSON is not a rule set.</exception>
    public static IReadOnlyList<InstrumentRule> Parse(Stream json) =>
        JsonSerializer.Deserialize<InstrumentRuleSet>(json, JsonOptions)?.Instruments
        ?? throw new JsonException("The instrument rules are empty.");

    public InstrumentRule? For(string questionnaireCode) => _byCode.GetValueOrDefault(questionnaireCode);

    /// <returns>The rule whose instrument code (in its system) is one of <c>Questionnaire.code</c>, or null.</returns>
    public InstrumentRule? For(Questionnaire questionnaire) =>
        questionnaire.Code
            .Select(c => c.Code is null ? null : For(c.Code))
            .FirstOrDefault((rule) => rule is not null && questionnaire.Code.Any(c => c.System == rule.System && c.Code == rule.QuestionnaireCode));

    /// <returns>The severity band of the total as a score-severity Coding, or null for an unknown instrument or a total outside every band.</returns>
    public Coding? Band(string questionnaireCode, decimal total) =>
        For(questionnaireCode)?.Bands.FirstOrDefault(b => b.Low <= total && total <= b.High) is { } band
            ? new Coding(_severitySystem, band.Code, band.Display)
            : null;

    /// <summary>
    /// True when a risk item of the instrument (found by <c>Questionnaire.item.code</c>, since linkIds
    /// differ between forms) has an answer other than its negative ones, whatever the response's
    /// status and total: CLINICAL.md asks for prompt follow-up of a positive PHQ-9 item 9. An
    /// unanswered risk item is not positive.
    /// </summary>
    public bool IsRiskPositive(Questionnaire questionnaire, QuestionnaireResponse response)
    {
        if (For(questionnaire) is not { RiskItems.Count: > 0 } rule)
        {
            return false;
        }

        var answers = ResponseAnswers.Of(response);
        return rule.RiskItems.Any(risk => LinkIdsOf(questionnaire.Item, rule.System, risk.ItemCode)
            .SelectMany(answers.For)
            .Any(answer => !IsNegative(answer.Value, rule.System, risk)));
    }

    private static bool IsNegative(DataType? value, string system, RiskItemRule risk) =>
        value is Coding coding && coding.System == system && risk.NegativeAnswers.Contains(coding.Code, StringComparer.Ordinal);

    private static IEnumerable<string> LinkIdsOf(IEnumerable<Questionnaire.ItemComponent> items, string system, string code)
    {
        foreach (var item in items)
        {
            if (item.LinkId is { } linkId && item.Code.Any(c => c.System == system && c.Code == code))
            {
                yield return linkId;
            }

            foreach (var nested in LinkIdsOf(item.Item, system, code))
            {
                yield return nested;
            }
        }
    }

    private static IReadOnlyList<InstrumentRule> ReadEmbedded()
    {
        using var stream = typeof(InstrumentRules).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        return Parse(stream);
    }
}
