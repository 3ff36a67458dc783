using FhirMh.FhirServer.Questionnaires;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Tests.Questionnaires;

/// <summary>
/// PHQ-9 and GAD-7 questionnaires and responses built from the facts in shared/CLINICAL.md (LOINC
/// panels 44249-1 and 69737-5, answer list LL358-3 scored 0-3), not from any published JSON.
/// PHQ-9 carries its weights as R4 ordinalValue, GAD-7 as SDC itemWeight, so both are exercised.
/// </summary>
internal static class Instruments
{
    public const string Loinc = "http://loinc.org";

    /// <summary>https://hl7.org/fhir/uv/sdc/StructureDefinition-sdc-questionnaire-calculatedExpression.html</summary>
    public const string CalculatedExpression = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression";

    public const string SeveritySystem = "https://fhirmh.org/fhir/CodeSystem/score-severity";

    public static readonly string[] Phq9Items = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"];

    public static readonly string[] Gad7Items = ["69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"];

    /// <summary>LL358-3 answers by score.</summary>
    public static readonly string[] Frequency = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"];

    /// <summary>LL359-1, unscored.</summary>
    private static readonly string[] DifficultyAnswers = ["LA6572-7", "LA6573-5", "LA6575-0", "LA6574-3"];

    private static readonly string[] FrequencyDisplay = ["Not at all", "Several days", "More than half the days", "Nearly every day"];

    public static Questionnaire Phq9()
    {
        var questionnaire = new Questionnaire
        {
            Url = "https://fhirmh.org/fhir/Questionnaire/phq-9",
            Status = PublicationStatus.Active,
            Code = [new Coding(Loinc, "44249-1")],
        };
        questionnaire.Item.AddRange(Phq9Items.Select((code, i) => Question((i + 1).ToString(), code, AnswerWeight.OrdinalValueUrl)));
        questionnaire.Item.Add(Total("44261-6"));
        questionnaire.Item.Add(new Questionnaire.ItemComponent
        {
            LinkId = "difficulty",
            Code = [new Coding(Loinc, "69722-7")],
            Type = Questionnaire.QuestionnaireItemType.Choice,
            AnswerOption = DifficultyAnswers
                .Select(c => new Questionnaire.AnswerOptionComponent { Value = new Coding(Loinc, c) })
                .ToList(),
        });
        return questionnaire;
    }

    /// <summary>GAD-7; item 2 also offers LA18938-3 "More days than not", scored 2 like LA6570-1 (CLINICAL.md).</summary>
    public static Questionnaire Gad7()
    {
        var questionnaire = new Questionnaire
        {
            Url = "https://fhirmh.org/fhir/Questionnaire/gad-7",
            Status = PublicationStatus.Active,
            Code = [new Coding(Loinc, "69737-5")],
        };
        questionnaire.Item.AddRange(Gad7Items.Select((code, i) => Question((i + 1).ToString(), code, AnswerWeight.ItemWeightUrl)));
        questionnaire.Item[1].AnswerOption.Add(Option("LA18938-3", "More days than not", 2, AnswerWeight.ItemWeightUrl));
        questionnaire.Item.Add(Total("70274-6"));
        return questionnaire;
    }

    /// <summary>A response answering items "1", "2", … with the LL358-3 answer of each score; a null score leaves the item out.</summary>
    public static QuestionnaireResponse Response(
        QuestionnaireResponse.QuestionnaireResponseStatus status, params int?[] scores)
    {
        var response = new QuestionnaireResponse { Status = status };
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i] is { } score)
            {
                response.Item.Add(Answered((i + 1).ToString(), new Coding(Loinc, Frequency[score])));
            }
        }

        return response;
    }

    /// <summary>Scores for <paramref name="count"/> items that add up to <paramref name="total"/>, filling items with 3 first.</summary>
    public static int?[] ScoresFor(int total, int count) =>
        Enumerable.Range(0, count).Select(i => (int?)Math.Clamp(total - (3 * i), 0, 3)).ToArray();

    public static QuestionnaireResponse.ItemComponent Answered(string linkId, params DataType[] values) =>
        new() { LinkId = linkId, Answer = values.Select(v => new QuestionnaireResponse.AnswerComponent { Value = v }).ToList() };

    public static Questionnaire.ItemComponent Total(string code) => new()
    {
        LinkId = "total",
        Code = [new Coding(Loinc, code)],
        Type = Questionnaire.QuestionnaireItemType.Integer,
        ReadOnly = true,
        Extension = [new Extension(CalculatedExpression, new Expression { Language = "text/fhirpath", Expression_ = "answers().sum(ordinal())" })],
    };

    private static Questionnaire.ItemComponent Question(string linkId, string code, string weightUrl) => new()
    {
        LinkId = linkId,
        Code = [new Coding(Loinc, code)],
        Type = Questionnaire.QuestionnaireItemType.Choice,
        Required = true,
        AnswerOption = Frequency.Select((answer, score) => Option(answer, FrequencyDisplay[score], score, weightUrl)).ToList(),
    };

    private static Questionnaire.AnswerOptionComponent Option(string code, string display, decimal weight, string weightUrl) => new()
    {
        Value = new Coding(Loinc, code, display),
        Extension = [new Extension(weightUrl, new FhirDecimal(weight))],
    };
}
