using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Operations.Terminology;

/// <summary>
/// The concepts of a CodeSystem by code, with their hierarchy: a concept nested in another is its
/// child, and a <c>parent</c> or <c>child</c> property (codesystem.html#defined-props) links
/// concepts the same way. Codes compare as the code system's <c>caseSensitive</c> says.
/// </summary>
internal sealed class CodeSystemConcepts
{
    private const string ParentUri = "http://hl7.org/fhir/concept-properties#parent";
    private const string ChildUri = "http://hl7.org/fhir/concept-properties#child";

    private readonly Dictionary<string, CodeSystem.ConceptDefinitionComponent> _concepts;
    private readonly Dictionary<string, List<string>> _parents;
    private readonly Dictionary<string, List<string>> _children;

    private CodeSystemConcepts(CodeSystem codeSystem)
    {
        CodeSystem = codeSystem;
        Comparer = codeSystem.CaseSensitive == false ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        _concepts = new Dictionary<string, CodeSystem.ConceptDefinitionComponent>(Comparer);
        _parents = new Dictionary<string, List<string>>(Comparer);
        _children = new Dictionary<string, List<string>>(Comparer);
    }

    public CodeSystem CodeSystem { get; }

    public StringComparer Comparer { get; }

    public static CodeSystemConcepts Of(CodeSystem codeSystem)
    {
        var concepts = new CodeSystemConcepts(codeSystem);
        var parentCodes = PropertyCodes(codeSystem, "parent", ParentUri);
        var childCodes = PropertyCodes(codeSystem, "child", ChildUri);
        concepts.Add(codeSystem.Concept, parent: null, parentCodes, childCodes);
        return concepts;
    }

    public CodeSystem.ConceptDefinitionComponent? Find(string code) => _concepts.GetValueOrDefault(code);

    public IReadOnlyList<string> ParentsOf(string code) => _parents.GetValueOrDefault(code) ?? [];

    public IReadOnlyList<string> ChildrenOf(string code) => _children.GetValueOrDefault(code) ?? [];

    /// <summary>True when <paramref name="ancestor"/> is a parent of <paramref name="code"/>, or a parent of a parent, and so on.</summary>
    public bool IsAncestor(string ancestor, string code)
    {
        var seen = new HashSet<string>(Comparer) { code };
        var pending = new Stack<string>(ParentsOf(code));
        while (pending.TryPop(out var parent))
        {
            if (Comparer.Equals(parent, ancestor))
            {
                return true;
            }

            if (seen.Add(parent))
            {
                foreach (var next in ParentsOf(parent))
                {
                    pending.Push(next);
                }
            }
        }

        return false;
    }

    private void Add(
        IEnumerable<CodeSystem.ConceptDefinitionComponent> concepts,
        string? parent,
        HashSet<string> parentCodes,
        HashSet<string> childCodes)
    {
        foreach (var concept in concepts)
        {
            if (concept.Code is not { } code)
            {
                continue;
            }

            _concepts.TryAdd(code, concept);
            if (parent is not null)
            {
                Link(parent, code);
            }

            foreach (var property in concept.Property)
            {
                if (property is { Code: { } name, Value: Code { Value: { } other } })
                {
                    if (parentCodes.Contains(name))
                    {
                        Link(other, code);
                    }
                    else if (childCodes.Contains(name))
                    {
                        Link(code, other);
                    }
                }
            }

            Add(concept.Concept, code, parentCodes, childCodes);
        }
    }

    private void Link(string parent, string child)
    {
        AddOnce(_parents, child, parent);
        AddOnce(_children, parent, child);
    }

    private void AddOnce(Dictionary<string, List<string>> links, string from, string to)
    {
        if (!links.TryGetValue(from, out var list))
        {
            links[from] = list = [];
        }

        if (!list.Contains(to, Comparer))
        {
            list.Add(to);
        }
    }

    /// <summary>The property codes that mean parent (or child): the usual code, and any declared with the standard URI.</summary>
    private static HashSet<string> PropertyCodes(CodeSystem codeSystem, string usual, string uri)
    {
        var codes = new HashSet<string>(StringComparer.Ordinal) { usual };
        codes.UnionWith(codeSystem.Property.Where(p => p.Uri == uri).Select(p => p.Code).OfType<string>());
        return codes;
    }
}
