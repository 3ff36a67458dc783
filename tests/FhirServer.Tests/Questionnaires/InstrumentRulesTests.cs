using FhirMh.FhirServer.Questionnaires;
using static FhirMh.FhirServer.Tests.Questionnaires.Instruments;
using Status = Hl7.Fhir.Model.QuestionnaireResponse.QuestionnaireResponseStatus;

namespace FhirMh.FhirServer.Tests.Questionnaires;

/// <summary>The instrument rules of instrument-rules.json (CLINICAL.md: PHQ-9 and GAD-7).</summary>
public sealed class InstrumentRulesTests
{
    private static readonly InstrumentRules Rules = new(SeveritySystem);

    [Theory]
    [InlineData("44249-1", "44261-6", 5, 1)]
    [InlineData("69737-5", "70274-6", 4, 0)]
    public void For_EmbeddedRules_KnowEachInstrument(string questionnaireCode, string totalCode, int bands, int riskItems)
    {
        var rule = Rules.For(questionnaireCode);

        Assert.NotNull(rule);
        Assert.Equal(totalCode, rule.TotalCode);
        Assert.Equal(bands, rule.Bands.Count);
        Assert.Equal(riskItems, rule.RiskItems.Count);
    }

    [Fact]
    public void For_Questionnaire_MatchesByCodeAndSystem()
    {
        var questionnaire = Phq9();

        Assert.Equal("PHQ-9", Rules.For(questionnaire)?.Name);

        questionnaire.Code[0].System = "http://snomed.info/sct";
        Assert.Null(Rules.For(questionnaire));
    }

    [Theory]
    [InlineData("44249-1", 28)]
    [InlineData("69737-5", 22)]
    [InlineData("69737-5", -1)]
    [InlineData("00000-0", 3)]
    public void Band_OutsideEveryBandOrUnknownInstrument_IsNull(string questionnaireCode, int total) =>
        Assert.Null(Rules.Band(questionnaireCode, total));

    [Fact]
    public void Band_IsInTheConfiguredCodeSystem()
    {
        var band = new InstrumentRules("https://example.org/fhir/CodeSystem/score-severity").Band("69737-5", 3);

        Assert.Equal("https://example.org/fhir/CodeSystem/score-severity", band?.System);
        Assert.Equal("none-minimal", band?.Code);
        Assert.Equal("Minimal", band?.Display);
    }

    // CLINICAL.md: any answer to PHQ-9 item 9 (44260-8) other than "Not at all" is a positive self-harm screen, whatever the total.
    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    [InlineData(null, false)]
    public void IsRiskPositive_Phq9Item9_PositiveForAnyAnswerButNotAtAll(int? item9, bool expected)
    {
        var response = Response(Status.Completed, 0, 0, 0, 0, 0, 0, 0, 0, item9);

        Assert.Equal(expected, Rules.IsRiskPositive(Phq9(), response));
    }

    [Fact]
    public void IsRiskPositive_Gad7_HasNoRiskItem() =>
        Assert.False(Rules.IsRiskPositive(Gad7(), Response(Status.Completed, 3, 3, 3, 3, 3, 3, 3)));

    [Fact]
    public void Parse_RulesFile_ReadsEveryField()
    {
        const string json = """
            {"instruments":[{"name":"X","system":"http://loinc.org","questionnaireCode":"1-1","totalCode":"2-2","source":"S",
              "bands":[{"low":0,"high":3,"code":"mild","display":"Mild"}],"riskItems":[{"itemCode":"3-3","negativeAnswers":["LA1-1"]}]}]}
            """;
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));

        var rule = Assert.Single(InstrumentRules.Parse(stream));

        Assert.Equal(new SeverityBandRule(0, 3, "mild", "Mild"), Assert.Single(rule.Bands));
        Assert.Equal(["LA1-1"], Assert.Single(rule.RiskItems).NegativeAnswers);
    }
}
