using FhirMh.Registries.Matching;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;

namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>
/// One version of the patient matching rules, ready to use: the matcher, and each field's
/// FHIRPath compiled once. Values are read from a Patient with these paths and handed to the
/// matcher as text, which normalises them.
/// </summary>
internal sealed class MatchRuleSet
{
    private static readonly FhirPathCompiler Compiler = new(new SymbolTable().AddStandardFP().AddFhirExtensions());

    private readonly (string Field, CompiledExpression Path)[] _paths;

    private MatchRuleSet(RecordMatcher matcher, (string Field, CompiledExpression Path)[] paths)
    {
        Matcher = matcher;
        _paths = paths;
    }

    public RecordMatcher Matcher { get; }

    public MatchRules Rules => Matcher.Rules;

    public string Version => Matcher.Rules.Version;

    /// <exception cref="MatchRuleException">The JSON is not valid rules, or a field's path is not FHIRPath.</exception>
    public static MatchRuleSet Parse(string json)
    {
        MatchRules rules;
        try
        {
            rules = MatchRules.Parse(json);
        }
        catch (MatchRulesException e)
        {
            throw new MatchRuleException(e.Message);
        }

        var paths = new (string, CompiledExpression)[rules.Fields.Count];
        for (var i = 0; i < rules.Fields.Count; i++)
        {
            var field = rules.Fields[i];
            try
            {
                paths[i] = (field.Name, Compiler.Compile(field.Path));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new MatchRuleException($"fields[{i}].path '{field.Path}' is not a FHIRPath expression: {e.Message}");
            }
        }

        return new MatchRuleSet(new RecordMatcher(rules), paths);
    }

    /// <summary>The same rules, scoring exact agreement on frequency-adjusted fields by how common the value is.</summary>
    public MatchRuleSet WithFrequencies(IValueFrequencies frequencies) => new(new RecordMatcher(Rules, frequencies), _paths);

    /// <summary>The values the rules compare, read from <paramref name="resource"/> (a Patient, or a directory Practitioner or Organization).</summary>
    public MatchRecord Extract(string id, Resource resource)
    {
        var node = resource.ToPocoNode(ModelInfo.ModelInspector);
        var context = new FhirEvaluationContext();
        var fields = new Dictionary<string, IReadOnlyList<string>>(_paths.Length, StringComparer.Ordinal);
        foreach (var (field, path) in _paths)
        {
            var values = new List<string>();
            foreach (var found in path.Invoke([node], context))
            {
                if (Text(found) is { Length: > 0 } text)
                {
                    values.Add(text);
                }
            }

            if (values.Count > 0)
            {
                fields[field] = values;
            }
        }

        return new MatchRecord(id, fields);
    }

    /// <summary>Primitives as their text; an Identifier as system|value, a ContactPoint as its value, a Coding as its code.</summary>
    private static string? Text(PocoNode node) => node.Poco switch
    {
        PrimitiveType primitive => primitive.ToString(),
        Identifier identifier => identifier.Value is null ? null : $"{identifier.System}|{identifier.Value}",
        ContactPoint contact => contact.Value,
        Coding coding => coding.Code,
        _ => null,
    };
}
