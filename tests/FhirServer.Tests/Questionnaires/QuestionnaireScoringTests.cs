using FhirMh.FhirServer.Questionnaires;
using Hl7.Fhir.Model;
using static FhirMh.FhirServer.Tests.Questionnaires.Instruments;
using Status = Hl7.Fhir.Model.QuestionnaireResponse.QuestionnaireResponseStatus;

namespace FhirMh.FhirServer.Tests.Questionnaires;

/// <summary>Totals from answer weights, recomputed by the server (CLINICAL.md, "Traps" and "Scores in FHIR").</summary>
public sealed class QuestionnaireScoringTests
{
    private static readonly QuestionnaireScoring Scoring = new(new FakeTerminology());

    private static readonly InstrumentRules Rules = new(SeveritySystem);

    // PHQ-9 bands: Kroenke K, Spitzer RL, Williams JBW, J Gen Intern Med 2001;16(9):606-613 —
    // 0-4 none/minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-27 severe.
    [Theory]
    [InlineData(0, "none-minimal")]
    [InlineData(4, "none-minimal")]
    [InlineData(5, "mild")]
    [InlineData(9, "mild")]
    [InlineData(10, "moderate")]
    [InlineData(14, "moderate")]
    [InlineData(15, "moderately-severe")]
    [InlineData(19, "moderately-severe")]
    [InlineData(20, "severe")]
    [InlineData(27, "severe")]
    public async Task Score_Phq9_TotalAndBandAtEveryBandEdge(int total, string band)
    {
        var result = await Scoring.ScoreAsync(Phq9(), Response(Status.Completed, ScoresFor(total, 9)), CancellationToken.None);

        Assert.Equal(total, result.Total);
        Assert.Empty(result.Issues);
        Assert.Equal(band, Rules.Band("44249-1", result.Total!.Value)?.Code);
    }

    // GAD-7 bands: Spitzer RL, Kroenke K, Williams JBW, Lowe B, Arch Intern Med 2006;166(10):1092-1097 —
    // 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe.
    [Theory]
    [InlineData(0, "none-minimal")]
    [InlineData(4, "none-minimal")]
    [InlineData(5, "mild")]
    [InlineData(9, "mild")]
    [InlineData(10, "moderate")]
    [InlineData(14, "moderate")]
    [InlineData(15, "severe")]
    [InlineData(21, "severe")]
    public async Task Score_Gad7_TotalAndBandAtEveryBandEdge(int total, string band)
    {
        var result = await Scoring.ScoreAsync(Gad7(), Response(Status.Completed, ScoresFor(total, 7)), CancellationToken.None);

        Assert.Equal(total, result.Total);
        Assert.Equal(band, Rules.Band("69737-5", result.Total!.Value)?.Code);
    }

    [Fact]
    public async Task Score_Gad7Item2MoreDaysThanNot_Scores2()
    {
        var response = Response(Status.Completed, 0, 0, 0, 0, 0, 0, 0);
        response.Item[1].Answer[0].Value = new Coding(Loinc, "LA18938-3");

        var result = await Scoring.ScoreAsync(Gad7(), response, CancellationToken.None);

        Assert.Equal(2, result.Total);
    }

    [Theory]
    [InlineData("compose")]
    [InlineData("expansion")]
    [InlineData("code-system")]
    public async Task Score_WeightsFromTheValueSetOrCodeSystem_AddUp(string weightsIn)
    {
        const string system = "https://example.org/CodeSystem/sleep-quality";
        const string valueSetUrl = "https://example.org/ValueSet/sleep-quality";
        (string Code, decimal Weight)[] concepts = [("good", 0m), ("fair", 1.5m), ("poor", 4m)];
        var valueSet = new ValueSet { Url = valueSetUrl };
        var codeSystem = new CodeSystem { Url = system, Concept = concepts.Select(c => new CodeSystem.ConceptDefinitionComponent { Code = c.Code }).ToList() };
        switch (weightsIn)
        {
            case "compose":
                valueSet.Compose = new() { Include = [new() { System = system, Concept = concepts.Select(c => new ValueSet.ConceptReferenceComponent { Code = c.Code, Extension = [Weight(c.Weight)] }).ToList() }] };
                break;
            case "expansion":
                valueSet.Expansion = new() { Contains = concepts.Select(c => new ValueSet.ContainsComponent { System = system, Code = c.Code, Extension = [Weight(c.Weight)] }).ToList() };
                break;
            default:
                valueSet.Compose = new() { Include = [new() { System = system }] };
                codeSystem.Concept.ForEach(c => c.Extension = [Weight(concepts.Single(k => k.Code == c.Code).Weight)]);
                break;
        }

        var questionnaire = new Questionnaire
        {
            Item =
            [
                new() { LinkId = "night", Type = Questionnaire.QuestionnaireItemType.Choice, AnswerValueSet = valueSetUrl },
                new() { LinkId = "nap", Type = Questionnaire.QuestionnaireItemType.Choice, AnswerValueSet = valueSetUrl },
                new()
                {
                    LinkId = "sleep-score",
                    Type = Questionnaire.QuestionnaireItemType.Decimal,
                    ReadOnly = true,
                    Extension = [new Extension(CalculatedExpression, new Expression { Language = "text/fhirpath", Expression_ = "%night + %nap" })],
                },
            ],
        };
        var response = new QuestionnaireResponse
        {
            Status = Status.Completed,
            Item = [Answered("night", new Coding(system, "fair")), Answered("nap", new Coding(system, "poor"))],
        };

        var result = await new QuestionnaireScoring(new FakeTerminology(valueSet, codeSystem)).ScoreAsync(questionnaire, response, CancellationToken.None);

        Assert.Equal(5.5m, result.Total);
        Assert.True(result.IsTotalFilledIn);
        Assert.Equal(5.5m, Assert.IsType<FhirDecimal>(result.Response.Item[2].Answer[0].Value).Value);
    }

    [Theory]
    [InlineData(Status.Completed, 2)] // item 3 unanswered
    [InlineData(Status.InProgress, null)] // every item answered, but not completed
    public async Task Score_IncompleteResponse_HasNoTotal(Status status, int? unanswered)
    {
        var scores = ScoresFor(12, 9);
        if (unanswered is { } index)
        {
            scores[index] = null;
        }

        var result = await Scoring.ScoreAsync(Phq9(), Response(status, scores), CancellationToken.None);

        Assert.Null(result.Total);
        Assert.False(result.IsTotalFilledIn);
        Assert.Empty(result.Issues);
    }

    [Fact]
    public async Task Score_AnswerWithoutWeight_MeansNoTotal()
    {
        var questionnaire = Phq9();
        var declined = new Coding("http://terminology.hl7.org/CodeSystem/data-absent-reason", "asked-declined");
        questionnaire.Item[0].AnswerOption.Add(new() { Value = declined });
        var response = Response(Status.Completed, 0, 1, 1, 1, 1, 1, 1, 1, 0);
        response.Item[0].Answer[0].Value = declined;

        var result = await Scoring.ScoreAsync(questionnaire, response, CancellationToken.None);

        Assert.Null(result.Total);
    }

    [Fact]
    public async Task Score_SubmittedWrongTotal_IsAnError()
    {
        var response = Response(Status.Completed, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        response.Item.Add(Answered("total", new Integer(8)));

        var result = await Scoring.ScoreAsync(Phq9(), response, CancellationToken.None);

        var issue = Assert.Single(result.Issues);
        Assert.Equal(OperationOutcome.IssueSeverity.Error, issue.Severity);
        Assert.Equal("QuestionnaireResponse.item[9].answer[0]", Assert.Single(issue.Expression));
        Assert.Contains("'total'", issue.Diagnostics);
        Assert.Equal(9, result.Total);
        Assert.Same(response, result.Response);
    }

    [Fact]
    public async Task Score_SubmittedRightTotal_IsKept()
    {
        var response = Response(Status.Completed, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        response.Item.Add(Answered("total", new Integer(9)));

        var result = await Scoring.ScoreAsync(Phq9(), response, CancellationToken.None);

        Assert.Empty(result.Issues);
        Assert.False(result.IsTotalFilledIn);
    }

    [Fact]
    public async Task Score_SubmittedTotalWithoutCompleteAnswers_IsAnError()
    {
        var response = Response(Status.Completed, 1, 1, 1, 1, 1, 1, 1, 1, null);
        response.Item.Add(Answered("total", new Integer(8)));

        var result = await Scoring.ScoreAsync(Phq9(), response, CancellationToken.None);

        Assert.Null(result.Total);
        Assert.Contains("'9'", Assert.Single(result.Issues).Diagnostics);
    }

    [Fact]
    public async Task Score_MissingTotal_IsFilledInAtItsPlaceInACopy()
    {
        var response = Response(Status.Completed, 3, 3, 3, 2, 2, 2, 1, 1, 0);
        response.Item.Add(Answered("difficulty", new Coding(Loinc, "LA6573-5")));

        var result = await Scoring.ScoreAsync(Phq9(), response, CancellationToken.None);

        Assert.True(result.IsTotalFilledIn);
        Assert.Equal(["1", "2", "3", "4", "5", "6", "7", "8", "9", "total", "difficulty"], result.Response.Item.Select(i => i.LinkId));
        Assert.Equal(17, Assert.IsType<Integer>(Assert.Single(result.Response.Item[9].Answer).Value).Value);
        Assert.Equal(10, response.Item.Count);
    }

    [Fact]
    public async Task Score_QuestionnaireWithoutTotalItem_HasNoTotal()
    {
        var questionnaire = Phq9();
        questionnaire.Item.RemoveAll(i => i.LinkId == "total");

        var result = await Scoring.ScoreAsync(questionnaire, Response(Status.Completed, ScoresFor(10, 9)), CancellationToken.None);

        Assert.Null(result.Total);
        Assert.Null(result.TotalLinkId);
    }

    private static Extension Weight(decimal weight) => new(AnswerWeight.ItemWeightUrl, new FhirDecimal(weight));
}
