using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// Puts a computed total into a response at the place the questionnaire gives its item: under the
/// same parents (created as needed when they are groups) and before the first sibling that follows
/// it in the questionnaire, so the response keeps the questionnaire's order.
/// </summary>
internal static class TotalPlacement
{
    /// <param name="response">The response to change.</param>
    /// <param name="questionnaire">Its questionnaire.</param>
    /// <param name="chain">The items from the top level down to the total item.</param>
    /// <param name="value">The total's answer.</param>
    /// <returns>False when the total cannot be placed: a parent is a question the response has not answered.</returns>
    public static bool TryAdd(QuestionnaireResponse response, Questionnaire questionnaire, IReadOnlyList<Questionnaire.ItemComponent> chain, DataType value)
    {
        var container = response.Item;
        var siblings = questionnaire.Item;
        foreach (var definition in chain.Take(chain.Count - 1))
        {
            var parent = container.Find(i => i.LinkId == definition.LinkId);
            if (definition.Type == Questionnaire.QuestionnaireItemType.Group)
            {
                if (parent is null)
                {
                    parent = new QuestionnaireResponse.ItemComponent { LinkId = definition.LinkId, Text = definition.Text };
                    Insert(container, siblings, parent);
                }

                container = parent.Item;
            }
            else if (parent?.Answer.FirstOrDefault() is { } answer)
            {
                container = answer.Item;
            }
            else
            {
                return false;
            }

            siblings = definition.Item;
        }

        var totalItem = chain[^1];
        var existing = container.Find(i => i.LinkId == totalItem.LinkId);
        if (existing is null)
        {
            existing = new QuestionnaireResponse.ItemComponent { LinkId = totalItem.LinkId, Text = totalItem.Text };
            Insert(container, siblings, existing);
        }

        existing.Answer.Add(new QuestionnaireResponse.AnswerComponent { Value = value });
        return true;
    }

    private static void Insert(
        List<QuestionnaireResponse.ItemComponent> container, List<Questionnaire.ItemComponent> siblings, QuestionnaireResponse.ItemComponent item)
    {
        var order = siblings.FindIndex(d => d.LinkId == item.LinkId);
        var before = container.FindIndex(i => siblings.FindIndex(d => d.LinkId == i.LinkId) > order);
        container.Insert(before < 0 ? container.Count : before, item);
    }
}
