using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// Every answer of a response by the linkId of its item, wherever the item is nested (under a group
/// or under another answer), for <c>enableWhen</c> and scoring.
/// </summary>
internal sealed class ResponseAnswers
{
    private readonly Dictionary<string, List<QuestionnaireResponse.AnswerComponent>> _byLinkId = new(StringComparer.Ordinal);

    private ResponseAnswers()
    {
    }

    public static ResponseAnswers Of(QuestionnaireResponse response)
    {
        var answers = new ResponseAnswers();
        answers.Add(response.Item);
        return answers;
    }

    /// <summary>
    /// The answers given to the item, in document order; several occurrences of a repeating group
    /// contribute all their answers.
    /// </summary>
    public IReadOnlyList<QuestionnaireResponse.AnswerComponent> For(string? linkId) =>
        linkId is not null && _byLinkId.TryGetValue(linkId, out var answers) ? answers : [];

    private void Add(IEnumerable<QuestionnaireResponse.ItemComponent> items)
    {
        foreach (var item in items)
        {
            if (item.LinkId is { } linkId && item.Answer.Count > 0)
            {
                if (!_byLinkId.TryGetValue(linkId, out var list))
                {
                    list = [];
                    _byLinkId[linkId] = list;
                }

                list.AddRange(item.Answer.Where(a => a.Value is not null));
            }

            foreach (var answer in item.Answer)
            {
                Add(answer.Item);
            }

            Add(item.Item);
        }
    }
}
