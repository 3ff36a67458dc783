using Hl7.Fhir.Model;
using IssueType = Hl7.Fhir.Model.OperationOutcome.IssueType;
using ItemType = Hl7.Fhir.Model.Questionnaire.QuestionnaireItemType;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// Checks a QuestionnaireResponse against its Questionnaire, as the R4 QuestionnaireResponse page
/// asks (http://hl7.org/fhir/R4/questionnaireresponse.html#notes) and SDC validation does: every
/// item is one the questionnaire has, in its place and order; answers have the item's type, come
/// from its options (system and code), are single unless the item repeats and are absent from items
/// that <c>enableWhen</c> disables; required items are answered once the response is completed.
/// A response item's text that differs from the questionnaire's is a warning, not an error.
/// One issue per problem, each naming the linkId and pointing into the response.
/// </summary>
internal sealed class QuestionnaireResponseCheck(IQuestionnaireTerminology terminology)
{
    public async Task<IReadOnlyList<OperationOutcome.IssueComponent>> CheckAsync(
        Questionnaire questionnaire, QuestionnaireResponse response, CancellationToken cancellationToken)
    {
        var walk = new Walk(
            new AnswerChoiceResolver(terminology),
            ResponseAnswers.Of(response),
            LinkIds(questionnaire.Item, parent: null),
            IsCompleted(response),
            []);
        await CheckItemsAsync(walk, questionnaire.Item, response.Item, "QuestionnaireResponse", cancellationToken);
        return walk.Issues;
    }

    /// <summary>
    /// Completed and amended responses are final as far as required items go: amended is a completed
    /// response changed afterwards (http://hl7.org/fhir/R4/codesystem-questionnaire-answers-status.html).
    /// </summary>
    public static bool IsCompleted(QuestionnaireResponse response) =>
        response.Status is QuestionnaireResponse.QuestionnaireResponseStatus.Completed
            or QuestionnaireResponse.QuestionnaireResponseStatus.Amended;

    /// <summary>True when the item, or anything nested in it, has an answer with a value.</summary>
    public static bool HasAnswers(QuestionnaireResponse.ItemComponent item) =>
        item.Answer.Any(a => a.Value is not null || a.Item.Any(HasAnswers)) || item.Item.Any(HasAnswers);

    private static async Task CheckItemsAsync(
        Walk walk,
        List<Questionnaire.ItemComponent> definitions,
        List<QuestionnaireResponse.ItemComponent> items,
        string path,
        CancellationToken cancellationToken)
    {
        var lastIndex = -1;
        for (var k = 0; k < items.Count; k++)
        {
            var item = items[k];
            var itemPath = $"{path}.item[{k}]";
            var index = definitions.FindIndex(d => d.LinkId == item.LinkId);
            if (index < 0)
            {
                walk.Issues.Add(Misplaced(walk, item.LinkId, itemPath));
                continue;
            }

            var definition = definitions[index];
            if (index < lastIndex)
            {
                walk.Issues.Add(QuestionnaireIssue.Error(
                    IssueType.Structure,
                    $"Item '{item.LinkId}' is out of order: the questionnaire puts it before '{definitions[lastIndex].LinkId}'.",
                    itemPath));
            }
            else if (index == lastIndex && !(definition.Type == ItemType.Group && definition.Repeats == true))
            {
                walk.Issues.Add(QuestionnaireIssue.Error(
                    IssueType.Structure,
                    $"Item '{item.LinkId}' occurs more than once; only a repeating group may.",
                    itemPath));
            }

            lastIndex = Math.Max(lastIndex, index);
            await CheckItemAsync(walk, definition, item, itemPath, cancellationToken);
        }

        if (walk.IsCompleted)
        {
            foreach (var definition in definitions.Where(d => d.Required == true && d.Type != ItemType.Display))
            {
                if (EnableWhen.IsEnabled(definition, walk.Answers)
                    && !items.Any(i => i.LinkId == definition.LinkId && HasAnswers(i)))
                {
                    walk.Issues.Add(QuestionnaireIssue.Error(
                        IssueType.Required,
                        $"Item '{definition.LinkId}' is required and has no answer in a completed response.",
                        path));
                }
            }
        }
    }

    private static async Task CheckItemAsync(
        Walk walk,
        Questionnaire.ItemComponent definition,
        QuestionnaireResponse.ItemComponent item,
        string path,
        CancellationToken cancellationToken)
    {
        if (item.Text is not null && definition.Text is not null && item.Text != definition.Text)
        {
            walk.Issues.Add(QuestionnaireIssue.Warning(
                IssueType.Value,
                $"Item '{item.LinkId}' has text '{item.Text}' where the questionnaire has '{definition.Text}'.",
                $"{path}.text"));
        }

        if (!EnableWhen.IsEnabled(definition, walk.Answers))
        {
            // Items beneath a disabled item are disabled too, so one issue covers the whole subtree.
            if (HasAnswers(item))
            {
                walk.Issues.Add(QuestionnaireIssue.Error(
                    IssueType.BusinessRule,
                    $"Item '{item.LinkId}' is disabled by its enableWhen conditions and must not be answered.",
                    path));
            }

            return;
        }

        await CheckAnswersAsync(walk, definition, item, path, cancellationToken);
        await CheckItemsAsync(walk, definition.Item, item.Item, path, cancellationToken);
    }

    private static async Task CheckAnswersAsync(
        Walk walk,
        Questionnaire.ItemComponent definition,
        QuestionnaireResponse.ItemComponent item,
        string path,
        CancellationToken cancellationToken)
    {
        var types = AnswerTypes.For(definition);
        if (item.Answer.Count > 0 && types.Count == 0)
        {
            walk.Issues.Add(QuestionnaireIssue.Error(
                IssueType.Structure,
                $"Item '{item.LinkId}' is a {definition.TypeElement?.JsonValue} item and takes no answers.",
                $"{path}.answer[0]"));
            return;
        }

        if (item.Answer.Count > 1 && definition.Repeats != true)
        {
            walk.Issues.Add(QuestionnaireIssue.Error(
                IssueType.Structure,
                $"Item '{item.LinkId}' does not repeat but has {item.Answer.Count} answers.",
                $"{path}.answer[1]"));
        }

        var choices = await walk.Choices.ResolveAsync(definition, cancellationToken);
        if (choices?.UnresolvedValueSet is { } valueSet && item.Answer.Count > 0)
        {
            walk.Issues.Add(QuestionnaireIssue.Warning(
                IssueType.NotFound,
                $"The answers of item '{item.LinkId}' cannot be checked: value set '{valueSet}' is unknown or has no enumerated concepts.",
                path));
        }

        for (var j = 0; j < item.Answer.Count; j++)
        {
            var answer = item.Answer[j];
            var answerPath = $"{path}.answer[{j}]";
            if (answer.Value is null)
            {
                walk.Issues.Add(QuestionnaireIssue.Error(IssueType.Required, $"An answer of item '{item.LinkId}' has no value.", answerPath));
            }
            else if (!types.Contains(answer.Value.TypeName))
            {
                walk.Issues.Add(QuestionnaireIssue.Error(
                    IssueType.Structure,
                    $"Item '{item.LinkId}' is of type {definition.TypeElement?.JsonValue} and takes {string.Join(" or ", types.Order(StringComparer.Ordinal))}, not {answer.Value.TypeName}.",
                    answerPath));
            }
            else if (choices is { UnresolvedValueSet: null } && !IsFreeText(definition, answer.Value) && choices.Find(answer.Value) is null)
            {
                walk.Issues.Add(QuestionnaireIssue.Error(IssueType.CodeInvalid, NotAnOption(item.LinkId, answer.Value, choices), answerPath));
            }

            await CheckItemsAsync(walk, definition.Item, answer.Item, answerPath, cancellationToken);
        }
    }

    private static bool IsFreeText(Questionnaire.ItemComponent definition, DataType value) =>
        definition.Type == ItemType.OpenChoice && value is FhirString;

    private static string NotAnOption(string? linkId, DataType value, AnswerChoices choices)
    {
        if (value is not Coding coding)
        {
            return $"The answer of item '{linkId}' is not one of its answer options.";
        }

        var sameCode = choices.Answers.Select(a => a.Value).OfType<Coding>().FirstOrDefault(c => c.Code == coding.Code);
        return sameCode is null
            ? $"Code '{coding.Code}' (system '{coding.System}') is not among the allowed answers of item '{linkId}'."
            : $"Code '{coding.Code}' of item '{linkId}' has system '{coding.System}'; the allowed answer has system '{sameCode.System}'.";
    }

    private static OperationOutcome.IssueComponent Misplaced(Walk walk, string? linkId, string path) =>
        linkId is not null && walk.LinkIdParents.TryGetValue(linkId, out var parent)
            ? QuestionnaireIssue.Error(
                IssueType.Structure,
                parent is null
                    ? $"Item '{linkId}' is nested here, but the questionnaire has it at the top level."
                    : $"Item '{linkId}' is not in its place: the questionnaire has it under item '{parent}'.",
                path)
            : QuestionnaireIssue.Error(IssueType.Structure, $"Item '{linkId}' is not in the questionnaire.", path);

    /// <summary>Every linkId of the questionnaire with the linkId of the item it is nested in (null at the top level).</summary>
    private static Dictionary<string, string?> LinkIds(IEnumerable<Questionnaire.ItemComponent> items, string? parent)
    {
        var linkIds = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (item.LinkId is not { } linkId)
            {
                continue;
            }

            linkIds.TryAdd(linkId, parent);
            foreach (var (child, childParent) in LinkIds(item.Item, linkId))
            {
                linkIds.TryAdd(child, childParent);
            }
        }

        return linkIds;
    }

    private sealed record Walk(
        AnswerChoiceResolver Choices,
        ResponseAnswers Answers,
        Dictionary<string, string?> LinkIdParents,
        bool IsCompleted,
        List<OperationOutcome.IssueComponent> Issues);
}
