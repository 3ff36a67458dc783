using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Operations.Terminology;

/// <summary>
/// The part of an expansion a client asked for (valueset-operation-expand.html): the concepts
/// whose display or code matches <see cref="Filter"/>, active ones only with
/// <see cref="IsActiveOnly"/>, from <see cref="Offset"/> on, at most <see cref="Count"/>. A
/// filtered or paged expansion is flat, so that offsets count concepts whatever the hierarchy;
/// <c>expansion.total</c> counts every match and <c>expansion.parameter</c> echoes what was used.
/// </summary>
internal sealed record ExpansionPage(string? Filter, int? Count, int? Offset, bool IsFlat, bool IsActiveOnly)
{
    private static readonly char[] WordSeparators = [' ', '\t', '-', '_', '/', ',', '.', '(', ')', '[', ']', ':', ';'];

    /// <summary>True when the whole expansion is wanted as the expander made it.</summary>
    public bool IsWhole => Filter is null && Count is null && Offset is null && !IsFlat && !IsActiveOnly;

    public static ExpansionPage From(OperationInput input) => new(
        input.String("filter") is { Length: > 0 } filter ? filter : null,
        input.NonNegativeInteger("count"),
        input.NonNegativeInteger("offset"),
        input.Boolean("excludeNested") ?? false,
        input.Boolean("activeOnly") ?? false);

    public void Apply(ValueSet.ExpansionComponent expansion)
    {
        if (IsWhole)
        {
            return;
        }

        var matches = Flatten(expansion.Contains)
            .Where(c => c.Code is not null && !(IsActiveOnly && c.Inactive == true) && (Filter is null || Matches(c, Filter)))
            .ToList();
        var offset = Offset ?? 0;
        expansion.Total = matches.Count;
        expansion.Contains = matches.Skip(offset).Take(Count ?? int.MaxValue).ToList();
        if (Offset is not null || Count is not null)
        {
            expansion.Offset = offset;
        }

        Echo(expansion, "filter", Filter is null ? null : new FhirString(Filter));
        Echo(expansion, "count", Count is { } count ? new Integer(count) : null);
        Echo(expansion, "offset", Offset is not null ? new Integer(offset) : null);
        Echo(expansion, "excludeNested", IsFlat ? new FhirBoolean(true) : null);
        Echo(expansion, "activeOnly", IsActiveOnly ? new FhirBoolean(true) : null);
    }

    /// <summary>
    /// Case-insensitive: each word of the filter begins a word of the display, or the filter
    /// begins the code. The spec leaves the matching to the server; this is what a pick list needs.
    /// </summary>
    public static bool Matches(ValueSet.ContainsComponent concept, string filter)
    {
        if (concept.Code?.StartsWith(filter, StringComparison.OrdinalIgnoreCase) == true)
        {
            return true;
        }

        var words = (concept.Display ?? string.Empty).Split(WordSeparators, StringSplitOptions.RemoveEmptyEntries);
        return filter.Split(WordSeparators, StringSplitOptions.RemoveEmptyEntries)
            .All(part => words.Any(word => word.StartsWith(part, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>The concepts in document order, each without the concepts nested in it.</summary>
    private static IEnumerable<ValueSet.ContainsComponent> Flatten(IEnumerable<ValueSet.ContainsComponent> contains)
    {
        foreach (var concept in contains)
        {
            var nested = concept.Contains;
            concept.Contains = [];
            yield return concept;
            foreach (var inner in Flatten(nested))
            {
                yield return inner;
            }
        }
    }

    private static void Echo(ValueSet.ExpansionComponent expansion, string name, DataType? value)
    {
        if (value is not null)
        {
            expansion.Parameter.Add(new ValueSet.ParameterComponent { Name = name, Value = value });
        }
    }
}
