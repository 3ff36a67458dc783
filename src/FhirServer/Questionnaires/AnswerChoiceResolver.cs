using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// Resolves the <see cref="AnswerChoices"/> of questionnaire items, looking each value set and code
/// system up once. A value set's concepts come from its expansion when it has one, else from
/// <c>compose.include.concept</c>, else from the whole code system an include names; a concept
/// without a weight of its own takes the weight its code system gives it. Filters, excludes and
/// imported value sets are not interpreted: such a value set is expected to arrive expanded.
/// </summary>
internal sealed class AnswerChoiceResolver(IQuestionnaireTerminology terminology)
{
    private readonly Dictionary<string, AnswerChoices> _valueSets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CodeSystem?> _codeSystems = new(StringComparer.Ordinal);

    /// <returns>The allowed answers, or null when the item constrains its answers neither way.</returns>
    public async Task<AnswerChoices?> ResolveAsync(Questionnaire.ItemComponent item, CancellationToken cancellationToken)
    {
        if (item.AnswerOption.Count > 0)
        {
            var options = item.AnswerOption
                .Where(o => o.Value is not null)
                .Select(o => new AllowedAnswer(o.Value, AnswerWeight.Of(o) ?? AnswerWeight.Of(o.Value)))
                .ToList();
            return new AnswerChoices(options, UnresolvedValueSet: null);
        }

        if (string.IsNullOrEmpty(item.AnswerValueSet))
        {
            return null;
        }

        if (!_valueSets.TryGetValue(item.AnswerValueSet, out var choices))
        {
            choices = await FromValueSetAsync(item.AnswerValueSet, cancellationToken);
            _valueSets[item.AnswerValueSet] = choices;
        }

        return choices;
    }

    private async Task<AnswerChoices> FromValueSetAsync(string canonical, CancellationToken cancellationToken)
    {
        var valueSet = await terminology.FindValueSetAsync(canonical, cancellationToken);
        if (valueSet is null)
        {
            return new AnswerChoices([], canonical);
        }

        var concepts = new List<Concept>();
        if (valueSet.Expansion?.Contains.Count > 0)
        {
            AddContains(valueSet.Expansion.Contains, concepts);
        }
        else
        {
            foreach (var include in valueSet.Compose?.Include ?? [])
            {
                if (include.Concept.Count > 0)
                {
                    concepts.AddRange(include.Concept.Select(c => new Concept(include.System, c.Code, c.Display, AnswerWeight.Of(c))));
                }
                else if (include.System is { } system && include.Filter.Count == 0
                    && await FindCodeSystemAsync(system, include.Version, cancellationToken) is { } codeSystem)
                {
                    AddConcepts(system, codeSystem.Concept, concepts);
                }
            }
        }

        if (concepts.Count == 0)
        {
            return new AnswerChoices([], canonical);
        }

        var answers = new List<AllowedAnswer>(concepts.Count);
        foreach (var (system, code, display, weight) in concepts)
        {
            var conceptWeight = weight ?? await CodeSystemWeightAsync(system, code, cancellationToken);
            answers.Add(new AllowedAnswer(new Coding(system, code, display), conceptWeight));
        }

        return new AnswerChoices(answers, UnresolvedValueSet: null);
    }

    private async Task<decimal?> CodeSystemWeightAsync(string? system, string? code, CancellationToken cancellationToken)
    {
        if (system is null || code is null || await FindCodeSystemAsync(system, version: null, cancellationToken) is not { } codeSystem)
        {
            return null;
        }

        var found = new List<Concept>();
        AddConcepts(system, codeSystem.Concept, found);
        return found.Find(c => string.Equals(c.Code, code, StringComparison.Ordinal)).Weight;
    }

    private async Task<CodeSystem?> FindCodeSystemAsync(string system, string? version, CancellationToken cancellationToken)
    {
        var canonical = version is null ? system : $"{system}|{version}";
        if (!_codeSystems.TryGetValue(canonical, out var codeSystem))
        {
            codeSystem = await terminology.FindCodeSystemAsync(canonical, cancellationToken);
            _codeSystems[canonical] = codeSystem;
        }

        return codeSystem;
    }

    private static void AddContains(
        IEnumerable<ValueSet.ContainsComponent> contains,
        List<Concept> concepts)
    {
        foreach (var entry in contains)
        {
            // An entry without a code only groups others (valueset-definitions.html#ValueSet.expansion.contains.abstract).
            if (entry.Code is not null && entry.Abstract != true)
            {
                concepts.Add(new Concept(entry.System, entry.Code, entry.Display, AnswerWeight.Of(entry)));
            }

            AddContains(entry.Contains, concepts);
        }
    }

    private static void AddConcepts(
        string system,
        IEnumerable<CodeSystem.ConceptDefinitionComponent> definitions,
        List<Concept> concepts)
    {
        foreach (var definition in definitions)
        {
            concepts.Add(new Concept(system, definition.Code, definition.Display, AnswerWeight.Of(definition)));
            AddConcepts(system, definition.Concept, concepts);
        }
    }

    private readonly record struct Concept(string? System, string? Code, string? Display, decimal? Weight);
}
