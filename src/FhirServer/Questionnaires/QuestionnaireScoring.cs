using System.Globalization;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// Scores a response from the weights its questionnaire gives the answers (<see cref="AnswerWeight"/>):
/// the total is the sum of the weights of the chosen answers of every weighted, enabled item. The
/// total item is the <c>readOnly</c> item carrying SDC's calculatedExpression
/// (https://hl7.org/fhir/uv/sdc/STU3/StructureDefinition-sdc-questionnaire-calculatedExpression.html);
/// the expression itself is not evaluated, since the weights define the score.
/// A total exists only for a completed response in which every weighted item has a weighted answer:
/// an unanswered item, or an answer without weight such as "declined", means no total.
/// The server always recomputes: a submitted total that differs, or that no complete set of answers
/// supports, is an error; a missing one is filled in.
/// </summary>
internal sealed class QuestionnaireScoring(IQuestionnaireTerminology terminology)
{
    public const string CalculatedExpressionUrl = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression";

    public async Task<ScoringResult> ScoreAsync(Questionnaire questionnaire, QuestionnaireResponse response, CancellationToken cancellationToken)
    {
        var totalChain = FindTotal(questionnaire.Item);
        if (totalChain is null)
        {
            return new ScoringResult(response, Total: null, TotalLinkId: null, IsTotalFilledIn: false, []);
        }

        var totalItem = totalChain[^1];
        var tally = new Tally(new AnswerChoiceResolver(terminology), ResponseAnswers.Of(response), totalItem, []);
        await AddAsync(tally, questionnaire.Item, cancellationToken);

        var isComputable = QuestionnaireResponseCheck.IsCompleted(response) && tally.Missing.Count == 0 && tally.ScoredItems > 0;
        var submitted = FindSubmitted(response.Item, totalItem.LinkId, "QuestionnaireResponse");
        var issues = new List<OperationOutcome.IssueComponent>();

        if (!isComputable)
        {
            if (submitted is { } given && QuestionnaireResponseCheck.IsCompleted(response))
            {
                issues.Add(QuestionnaireIssue.Error(
                    OperationOutcome.IssueType.BusinessRule,
                    $"Total item '{totalItem.LinkId}' has a value, but no total can be computed: {Describe(tally)}.",
                    given.Path));
            }

            return new ScoringResult(response, Total: null, totalItem.LinkId, IsTotalFilledIn: false, issues);
        }

        var total = tally.Sum;
        if (submitted is { } found)
        {
            if (found.Value != total)
            {
                issues.Add(QuestionnaireIssue.Error(
                    OperationOutcome.IssueType.BusinessRule,
                    $"Total item '{totalItem.LinkId}' is {found.Value?.ToString(CultureInfo.InvariantCulture) ?? "not a number"}, but the answers add up to {total.ToString(CultureInfo.InvariantCulture)}.",
                    found.Path));
            }

            return new ScoringResult(response, total, totalItem.LinkId, IsTotalFilledIn: false, issues);
        }

        var filled = (QuestionnaireResponse)response.DeepCopy();
        var isFilledIn = TotalPlacement.TryAdd(filled, questionnaire, totalChain, TotalValue(totalItem, total));
        return new ScoringResult(isFilledIn ? filled : response, total, totalItem.LinkId, isFilledIn, issues);
    }

    /// <returns>The items from the top level down to the total item, or null when there is none.</returns>
    private static List<Questionnaire.ItemComponent>? FindTotal(List<Questionnaire.ItemComponent> items)
    {
        foreach (var item in items)
        {
            if (item.ReadOnly == true && item.GetExtension(CalculatedExpressionUrl) is not null)
            {
                return [item];
            }

            if (FindTotal(item.Item) is { } chain)
            {
                return [item, .. chain];
            }
        }

        return null;
    }

    private static async Task AddAsync(Tally tally, List<Questionnaire.ItemComponent> items, CancellationToken cancellationToken)
    {
        foreach (var item in items)
        {
            // A disabled item is not asked, so it neither counts nor blocks the total; nor do the items beneath it.
            if (ReferenceEquals(item, tally.TotalItem) || !EnableWhen.IsEnabled(item, tally.Answers))
            {
                continue;
            }

            if (await tally.Choices.ResolveAsync(item, cancellationToken) is { HasWeights: true } choices)
            {
                var given = tally.Answers.For(item.LinkId);
                var weights = given.Select(a => choices.Find(a.Value)?.Weight).ToList();
                if (weights.Count == 0 || weights.Any(w => w is null))
                {
                    tally.Missing.Add(item.LinkId ?? "(no linkId)");
                }
                else
                {
                    tally.Sum += weights.Sum(w => w!.Value);
                    tally.ScoredItems++;
                }
            }

            await AddAsync(tally, item.Item, cancellationToken);
        }
    }

    private static string Describe(Tally tally) =>
        tally.Missing.Count > 0
            ? $"item(s) {string.Join(", ", tally.Missing.Select(l => $"'{l}'"))} have no weighted answer"
            : "the questionnaire has no answered weighted items";

    private static DataType TotalValue(Questionnaire.ItemComponent totalItem, decimal total) =>
        totalItem.Type == Questionnaire.QuestionnaireItemType.Integer && total == decimal.Truncate(total)
            ? new Integer((int)total)
            : new FhirDecimal(total);

    /// <summary>The first answer of the first occurrence of the total item, as a number, with its path.</summary>
    private static (decimal? Value, string Path)? FindSubmitted(List<QuestionnaireResponse.ItemComponent> items, string? linkId, string path)
    {
        for (var k = 0; k < items.Count; k++)
        {
            var item = items[k];
            var itemPath = $"{path}.item[{k}]";
            if (item.LinkId == linkId && item.Answer.Count > 0)
            {
                var value = item.Answer[0].Value switch
                {
                    Integer i => (decimal?)i.Value,
                    FhirDecimal d => d.Value,
                    _ => null,
                };
                return (value, $"{itemPath}.answer[0]");
            }

            if (FindSubmitted(item.Item, linkId, itemPath) is { } nested)
            {
                return nested;
            }

            for (var j = 0; j < item.Answer.Count; j++)
            {
                if (FindSubmitted(item.Answer[j].Item, linkId, $"{itemPath}.answer[{j}]") is { } underAnswer)
                {
                    return underAnswer;
                }
            }
        }

        return null;
    }

    private sealed class Tally(AnswerChoiceResolver choices, ResponseAnswers answers, Questionnaire.ItemComponent totalItem, List<string> missing)
    {
        public AnswerChoiceResolver Choices { get; } = choices;

        public ResponseAnswers Answers { get; } = answers;

        public Questionnaire.ItemComponent TotalItem { get; } = totalItem;

        public List<string> Missing { get; } = missing;

        public decimal Sum { get; set; }

        public int ScoredItems { get; set; }
    }
}
