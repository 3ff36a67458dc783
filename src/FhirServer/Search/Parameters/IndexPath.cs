using System.Text.RegularExpressions;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;

namespace FhirMh.FhirServer.Search.Parameters;

/// <summary>
/// One branch of a search parameter's FHIRPath expression, compiled. <see cref="TargetType"/>
/// keeps what a stripped <c>.where(resolve() is Patient)</c> asked for: only references to that
/// type are indexed under the parameter.
/// </summary>
internal sealed partial record IndexPath(string Source, CompiledExpression Expression, string? TargetType)
{
    /// <summary>
    /// The element names of a branch that only navigates (<c>Patient.name</c>, <c>Observation.code.coding</c>),
    /// after its leading type name; null when the branch uses anything else. Most branches are like
    /// this, and walking the model's members gives the same elements as the FHIRPath engine without
    /// building an evaluation closure per branch, which dominated what indexing allocated.
    /// </summary>
    private readonly string[]? _members = MemberPath(Source);

    /// <summary>The leading type name of a navigating branch (<c>Patient</c> in <c>Patient.name</c>), null when it starts at an element.</summary>
    private readonly string? _headType = char.IsUpper(Source[0]) ? Source[..Math.Max(0, Source.IndexOf('.', StringComparison.Ordinal))] : null;

    /// <summary>The elements the branch selects in <paramref name="resource"/>, whose PocoNode is <paramref name="node"/>.</summary>
    public IEnumerable<Base> Select(Resource resource, PocoNode node, FhirEvaluationContext context)
    {
        if (_members is null || (_headType is not null && !string.Equals(_headType, resource.TypeName, StringComparison.Ordinal)))
        {
            return Expression.Invoke([node], context).Select(value => value.Poco).OfType<Base>();
        }

        List<Base> current = [resource];
        foreach (var member in _members)
        {
            var next = new List<Base>();
            foreach (var element in current)
            {
                switch (element.TryGetValue(member, out var value) ? value : null)
                {
                    case Base single:
                        next.Add(single);
                        break;
                    case IEnumerable<Base> many:
                        next.AddRange(many.Where(item => item is not null));
                        break;
                }
            }

            current = next;
        }

        return current;
    }

    private static string[]? MemberPath(string source)
    {
        if (!MemberPathPattern().IsMatch(source))
        {
            return null;
        }

        var parts = source.Split('.');
        return char.IsUpper(source[0]) ? parts[1..] : parts;
    }

    /// <summary>An optional type name, then element names: nothing that filters, casts or calls a function.</summary>
    [GeneratedRegex(@"^([A-Z][A-Za-z]*\.)?[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)*$")]
    private static partial Regex MemberPathPattern();
}
