using FhirMh.FhirServer.Questionnaires;
using Hl7.Fhir.Model;
using static FhirMh.FhirServer.Tests.Questionnaires.Instruments;
using Status = Hl7.Fhir.Model.QuestionnaireResponse.QuestionnaireResponseStatus;

namespace FhirMh.FhirServer.Tests.Questionnaires;

/// <summary>
/// A response against its questionnaire (questionnaireresponse.html#notes and SDC): place, order,
/// answer types, options, cardinality, required items and enableWhen. Every failure is one issue
/// naming the linkId and pointing into the response.
/// </summary>
public sealed class QuestionnaireResponseCheckTests
{
    private static readonly QuestionnaireResponseCheck Check = new(new FakeTerminology());

    [Fact]
    public async Task Check_CompletePhq9_HasNoIssues()
    {
        var issues = await Check.CheckAsync(Phq9(), Response(Status.Completed, 0, 1, 2, 3, 0, 1, 2, 3, 0), CancellationToken.None);

        Assert.Empty(issues);
    }

    [Fact]
    public async Task Check_UnknownLinkId_IsStructureError()
    {
        var response = Response(Status.Completed, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        response.Item.Add(Answered("99", new FhirString("extra")));

        var issue = Assert.Single(await Check.CheckAsync(Phq9(), response, CancellationToken.None));

        AssertIssue(issue, OperationOutcome.IssueType.Structure, "QuestionnaireResponse.item[9]", "'99'");
        Assert.Contains("not in the questionnaire", issue.Diagnostics);
    }

    [Fact]
    public async Task Check_ItemsOutOfOrder_IsStructureError()
    {
        var response = Response(Status.Completed, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        (response.Item[0], response.Item[1]) = (response.Item[1], response.Item[0]);

        var issue = Assert.Single(await Check.CheckAsync(Phq9(), response, CancellationToken.None));

        AssertIssue(issue, OperationOutcome.IssueType.Structure, "QuestionnaireResponse.item[1]", "'1'");
        Assert.Contains("out of order", issue.Diagnostics);
    }

    [Fact]
    public async Task Check_ItemUnderTheWrongGroup_IsStructureError()
    {
        var questionnaire = new Questionnaire
        {
            Item =
            [
                Group("mood", Item("sleep-hours", Questionnaire.QuestionnaireItemType.Integer)),
                Group("history", Item("onset", Questionnaire.QuestionnaireItemType.Date)),
            ],
        };
        var response = new QuestionnaireResponse
        {
            Status = Status.InProgress,
            Item = [new() { LinkId = "mood", Item = [Answered("onset", new Date("2024-03-01"))] }],
        };

        var issue = Assert.Single(await Check.CheckAsync(questionnaire, response, CancellationToken.None));

        AssertIssue(issue, OperationOutcome.IssueType.Structure, "QuestionnaireResponse.item[0].item[0]", "'onset'");
        Assert.Contains("under item 'history'", issue.Diagnostics);
    }

    [Fact]
    public async Task Check_AnswerNestedUnderAnAnswer_IsFollowedIntoItsChildren()
    {
        var parent = Item("smokes", Questionnaire.QuestionnaireItemType.Boolean);
        parent.Item.Add(Item("per-day", Questionnaire.QuestionnaireItemType.Integer));
        var response = new QuestionnaireResponse
        {
            Status = Status.InProgress,
            Item =
            [
                new()
                {
                    LinkId = "smokes",
                    Answer = [new() { Value = new FhirBoolean(true), Item = [Answered("per-day", new FhirString("ten"))] }],
                },
            ],
        };

        var issue = Assert.Single(await Check.CheckAsync(new Questionnaire { Item = [parent] }, response, CancellationToken.None));

        AssertIssue(issue, OperationOutcome.IssueType.Structure, "QuestionnaireResponse.item[0].answer[0].item[0].answer[0]", "'per-day'");
    }

    // Answer types by item type: http://hl7.org/fhir/R4/codesystem-item-type.html
    [Theory]
    [InlineData(Questionnaire.QuestionnaireItemType.Boolean, "boolean", true)]
    [InlineData(Questionnaire.QuestionnaireItemType.Boolean, "string", false)]
    [InlineData(Questionnaire.QuestionnaireItemType.Decimal, "decimal", true)]
    [InlineData(Questionnaire.QuestionnaireItemType.Decimal, "integer", false)]
    [InlineData(Questionnaire.QuestionnaireItemType.Integer, "integer", true)]
    [InlineData(Questionnaire.QuestionnaireItemType.Integer, "decimal", false)]
    [InlineData(Questionnaire.QuestionnaireItemType.Date, "date", true)]
    [InlineData(Questionnaire.QuestionnaireItemType.Date, "dateTime", false)]
    [InlineData(Questionnaire.QuestionnaireItemType.DateTime, "dateTime", true)]
    [InlineData(Questionnaire.QuestionnaireItemType.Time, "time", true)]
    [InlineData(Questionnaire.QuestionnaireItemType.String, "string", true)]
    [InlineData(Questionnaire.QuestionnaireItemType.Text, "string", true)]
    [InlineData(Questionnaire.QuestionnaireItemType.Url, "uri", true)]
    [InlineData(Questionnaire.QuestionnaireItemType.Url, "string", false)]
    [InlineData(Questionnaire.QuestionnaireItemType.Choice, "Coding", true)]
    [InlineData(Questionnaire.QuestionnaireItemType.Choice, "string", false)]
    [InlineData(Questionnaire.QuestionnaireItemType.OpenChoice, "Coding", true)]
    [InlineData(Questionnaire.QuestionnaireItemType.OpenChoice, "string", true)]
    [InlineData(Questionnaire.QuestionnaireItemType.Attachment, "Attachment", true)]
    [InlineData(Questionnaire.QuestionnaireItemType.Reference, "Reference", true)]
    [InlineData(Questionnaire.QuestionnaireItemType.Quantity, "Quantity", true)]
    [InlineData(Questionnaire.QuestionnaireItemType.Quantity, "decimal", false)]
    [InlineData(Questionnaire.QuestionnaireItemType.Group, "boolean", false)]
    [InlineData(Questionnaire.QuestionnaireItemType.Display, "string", false)]
    public async Task Check_AnswerType_MustMatchItemType(Questionnaire.QuestionnaireItemType itemType, string valueType, bool isValid)
    {
        var questionnaire = new Questionnaire { Item = [Item("q", itemType)] };
        var response = new QuestionnaireResponse { Status = Status.Completed, Item = [Answered("q", Sample(valueType))] };

        var issues = await Check.CheckAsync(questionnaire, response, CancellationToken.None);

        if (isValid)
        {
            Assert.Empty(issues);
        }
        else
        {
            AssertIssue(Assert.Single(issues), OperationOutcome.IssueType.Structure, "QuestionnaireResponse.item[0].answer[0]", "'q'");
        }
    }

    [Fact]
    public async Task Check_CodeNotAmongTheOptions_IsCodeInvalid()
    {
        var response = Response(Status.Completed, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        response.Item[3].Answer[0].Value = new Coding(Loinc, "LA6572-7");

        var issue = Assert.Single(await Check.CheckAsync(Phq9(), response, CancellationToken.None));

        AssertIssue(issue, OperationOutcome.IssueType.CodeInvalid, "QuestionnaireResponse.item[3].answer[0]", "'4'");
    }

    [Fact]
    public async Task Check_RightCodeOfTheWrongSystem_IsCodeInvalid()
    {
        var response = Response(Status.Completed, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        response.Item[0].Answer[0].Value = new Coding("http://snomed.info/sct", Frequency[0]);

        var issue = Assert.Single(await Check.CheckAsync(Phq9(), response, CancellationToken.None));

        AssertIssue(issue, OperationOutcome.IssueType.CodeInvalid, "QuestionnaireResponse.item[0].answer[0]", "'1'");
        Assert.Contains("system 'http://snomed.info/sct'", issue.Diagnostics);
    }

    [Theory]
    [InlineData("LA6569-3", true)]
    [InlineData("LA6572-7", false)]
    public async Task Check_AnswerValueSet_AllowsItsConceptsOnly(string code, bool isValid)
    {
        var questionnaire = new Questionnaire { Item = [ValueSetItem("q", "http://example.org/ValueSet/frequency")] };
        var valueSet = new ValueSet
        {
            Url = "http://example.org/ValueSet/frequency",
            Compose = new() { Include = [new() { System = Loinc, Concept = Frequency.Select(c => new ValueSet.ConceptReferenceComponent { Code = c }).ToList() }] },
        };
        var response = new QuestionnaireResponse { Status = Status.Completed, Item = [Answered("q", new Coding(Loinc, code))] };

        var issues = await new QuestionnaireResponseCheck(new FakeTerminology(valueSet)).CheckAsync(questionnaire, response, CancellationToken.None);

        Assert.Equal(isValid ? 0 : 1, issues.Count(i => i.Code == OperationOutcome.IssueType.CodeInvalid));
    }

    [Fact]
    public async Task Check_UnknownAnswerValueSet_IsAWarningOnly()
    {
        var questionnaire = new Questionnaire { Item = [ValueSetItem("q", "http://example.org/ValueSet/missing")] };
        var response = new QuestionnaireResponse { Status = Status.Completed, Item = [Answered("q", new Coding(Loinc, "LA6569-3"))] };

        var issue = Assert.Single(await Check.CheckAsync(questionnaire, response, CancellationToken.None));

        Assert.Equal(OperationOutcome.IssueSeverity.Warning, issue.Severity);
        Assert.Equal(OperationOutcome.IssueType.NotFound, issue.Code);
    }

    [Theory]
    [InlineData(Status.Completed, 1)]
    [InlineData(Status.Amended, 1)]
    [InlineData(Status.InProgress, 0)]
    public async Task Check_RequiredItemMissing_IsAnErrorOnlyOnceCompleted(Status status, int expected)
    {
        var issues = await Check.CheckAsync(Phq9(), Response(status, 0, 0, 0, 0, 0, 0, 0, 0, null), CancellationToken.None);

        Assert.Equal(expected, issues.Count);
        if (expected == 1)
        {
            AssertIssue(issues[0], OperationOutcome.IssueType.Required, "QuestionnaireResponse", "'9'");
        }
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 0)]
    public async Task Check_TwoAnswers_NeedARepeatingItem(bool repeats, int expected)
    {
        var questionnaire = Phq9();
        questionnaire.Item[0].Repeats = repeats;
        var response = Response(Status.Completed, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        response.Item[0].Answer.Add(new() { Value = new Coding(Loinc, Frequency[1]) });

        var issues = await Check.CheckAsync(questionnaire, response, CancellationToken.None);

        Assert.Equal(expected, issues.Count);
        if (expected == 1)
        {
            AssertIssue(issues[0], OperationOutcome.IssueType.Structure, "QuestionnaireResponse.item[0].answer[1]", "'1'");
        }
    }

    [Fact]
    public async Task Check_AnswerOnAnItemDisabledByEnableWhen_IsBusinessRuleError()
    {
        var questionnaire = ConditionalQuestionnaire(Questionnaire.QuestionnaireItemOperator.Equal, new Integer(5));
        var response = new QuestionnaireResponse
        {
            Status = Status.Completed,
            Item = [Answered("trigger", new Integer(4)), Answered("follow-up", new FhirString("details"))],
        };

        var issue = Assert.Single(await Check.CheckAsync(questionnaire, response, CancellationToken.None));

        AssertIssue(issue, OperationOutcome.IssueType.BusinessRule, "QuestionnaireResponse.item[1]", "'follow-up'");
    }

    [Fact]
    public async Task Check_RequiredItemDisabledByEnableWhen_NeedsNoAnswer()
    {
        var questionnaire = ConditionalQuestionnaire(Questionnaire.QuestionnaireItemOperator.Equal, new Integer(5));
        questionnaire.Item[1].Required = true;
        var response = new QuestionnaireResponse { Status = Status.Completed, Item = [Answered("trigger", new Integer(4))] };

        Assert.Empty(await Check.CheckAsync(questionnaire, response, CancellationToken.None));
    }

    // Operators: http://hl7.org/fhir/R4/codesystem-questionnaire-enable-operator.html
    [Theory]
    [InlineData("=", 5, true)]
    [InlineData("=", 4, false)]
    [InlineData("!=", 4, true)]
    [InlineData("!=", 5, false)]
    [InlineData(">", 6, true)]
    [InlineData(">", 5, false)]
    [InlineData("<", 4, true)]
    [InlineData("<", 5, false)]
    [InlineData(">=", 5, true)]
    [InlineData(">=", 4, false)]
    [InlineData("<=", 5, true)]
    [InlineData("<=", 6, false)]
    public async Task Check_EnableWhenOperator_DecidesWhetherTheFollowUpMayBeAnswered(string op, int trigger, bool isEnabled)
    {
        var questionnaire = ConditionalQuestionnaire(Operator(op), new Integer(5));
        var response = new QuestionnaireResponse
        {
            Status = Status.InProgress,
            Item = [Answered("trigger", new Integer(trigger)), Answered("follow-up", new FhirString("details"))],
        };

        var issues = await Check.CheckAsync(questionnaire, response, CancellationToken.None);

        Assert.Equal(isEnabled, issues.Count == 0);
    }

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(true, false, false)]
    [InlineData(false, false, true)]
    [InlineData(false, true, false)]
    public async Task Check_EnableWhenExists_ComparesWhetherTheQuestionIsAnswered(bool expected, bool isAnswered, bool isEnabled)
    {
        var questionnaire = ConditionalQuestionnaire(Questionnaire.QuestionnaireItemOperator.Exists, new FhirBoolean(expected));
        var response = new QuestionnaireResponse { Status = Status.InProgress, Item = [Answered("follow-up", new FhirString("details"))] };
        if (isAnswered)
        {
            response.Item.Insert(0, Answered("trigger", new Integer(1)));
        }

        var issues = await Check.CheckAsync(questionnaire, response, CancellationToken.None);

        Assert.Equal(isEnabled, issues.Count == 0);
    }

    [Theory]
    [InlineData(Questionnaire.EnableWhenBehavior.Any, true)]
    [InlineData(Questionnaire.EnableWhenBehavior.All, false)]
    public async Task Check_EnableBehavior_CombinesTheConditions(Questionnaire.EnableWhenBehavior behavior, bool isEnabled)
    {
        var questionnaire = ConditionalQuestionnaire(Questionnaire.QuestionnaireItemOperator.GreaterThan, new Integer(1));
        questionnaire.Item[1].EnableWhen.Add(new() { Question = "trigger", Operator = Questionnaire.QuestionnaireItemOperator.GreaterThan, Answer = new Integer(9) });
        questionnaire.Item[1].EnableBehavior = behavior;
        var response = new QuestionnaireResponse
        {
            Status = Status.InProgress,
            Item = [Answered("trigger", new Integer(5)), Answered("follow-up", new FhirString("details"))],
        };

        var issues = await Check.CheckAsync(questionnaire, response, CancellationToken.None);

        Assert.Equal(isEnabled, issues.Count == 0);
    }

    [Fact]
    public async Task Check_TextDifferentFromTheQuestionnaire_IsAWarning()
    {
        var questionnaire = new Questionnaire { Item = [Item("q", Questionnaire.QuestionnaireItemType.Boolean)] };
        questionnaire.Item[0].Text = "Do you sleep well?";
        var response = new QuestionnaireResponse { Status = Status.Completed, Item = [Answered("q", new FhirBoolean(true))] };
        response.Item[0].Text = "Do you eat well?";

        var issue = Assert.Single(await Check.CheckAsync(questionnaire, response, CancellationToken.None));

        Assert.Equal(OperationOutcome.IssueSeverity.Warning, issue.Severity);
        Assert.Equal("QuestionnaireResponse.item[0].text", Assert.Single(issue.Expression));
    }

    private static void AssertIssue(OperationOutcome.IssueComponent issue, OperationOutcome.IssueType code, string expression, string linkId)
    {
        Assert.Equal(OperationOutcome.IssueSeverity.Error, issue.Severity);
        Assert.Equal(code, issue.Code);
        Assert.Equal(expression, Assert.Single(issue.Expression));
        Assert.Contains(linkId, issue.Diagnostics);
    }

    private static Questionnaire ConditionalQuestionnaire(Questionnaire.QuestionnaireItemOperator op, DataType answer)
    {
        var followUp = Item("follow-up", Questionnaire.QuestionnaireItemType.String);
        followUp.EnableWhen.Add(new() { Question = "trigger", Operator = op, Answer = answer });
        return new Questionnaire { Item = [Item("trigger", Questionnaire.QuestionnaireItemType.Integer), followUp] };
    }

    private static Questionnaire.QuestionnaireItemOperator Operator(string op) => op switch
    {
        "=" => Questionnaire.QuestionnaireItemOperator.Equal,
        "!=" => Questionnaire.QuestionnaireItemOperator.NotEqual,
        ">" => Questionnaire.QuestionnaireItemOperator.GreaterThan,
        "<" => Questionnaire.QuestionnaireItemOperator.LessThan,
        ">=" => Questionnaire.QuestionnaireItemOperator.GreaterOrEqual,
        "<=" => Questionnaire.QuestionnaireItemOperator.LessOrEqual,
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    private static Questionnaire.ItemComponent Item(string linkId, Questionnaire.QuestionnaireItemType type) => new() { LinkId = linkId, Type = type };

    private static Questionnaire.ItemComponent Group(string linkId, params Questionnaire.ItemComponent[] items) =>
        new() { LinkId = linkId, Type = Questionnaire.QuestionnaireItemType.Group, Item = [.. items] };

    private static Questionnaire.ItemComponent ValueSetItem(string linkId, string valueSet) =>
        new() { LinkId = linkId, Type = Questionnaire.QuestionnaireItemType.Choice, AnswerValueSet = valueSet };

    private static DataType Sample(string typeName) => typeName switch
    {
        "boolean" => new FhirBoolean(true),
        "decimal" => new FhirDecimal(1.5m),
        "integer" => new Integer(2),
        "date" => new Date("2024-01-02"),
        "dateTime" => new FhirDateTime("2024-01-02T10:00:00Z"),
        "time" => new Time("10:00:00"),
        "string" => new FhirString("text"),
        "uri" => new FhirUri("https://example.org/page"),
        "Coding" => new Coding("http://example.org/codes", "a"),
        "Attachment" => new Attachment { ContentType = "text/plain", Url = "https://example.org/note.txt" },
        "Reference" => new ResourceReference("Patient/1"),
        "Quantity" => new Quantity(7, "h"),
        _ => throw new ArgumentOutOfRangeException(nameof(typeName)),
    };
}
