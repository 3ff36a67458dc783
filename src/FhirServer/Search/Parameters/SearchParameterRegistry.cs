using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text.RegularExpressions;
using FhirMh.FhirServer.Search.Stored;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;

namespace FhirMh.FhirServer.Search.Parameters;

/// <summary>
/// The R4 search parameters the SDK ships (ModelInfo.SearchParameters), the few published
/// outside the core specification that the server adopts (<see cref="Adopted"/>), and the
/// parameters every resource has (search.html#all), per resource type. A definition's
/// expression covers many types (<c>Patient.name | Practitioner.name</c>); only the branches of
/// the type at hand are compiled, once, when the type is first used. The active SearchParameter
/// resources stored in the server are added from <see cref="StoredSearchParameters"/>.
/// </summary>
internal sealed partial class SearchParameterRegistry(StoredSearchParameters stored)
{
    private static readonly FhirPathCompiler Compiler = new(new SymbolTable().AddStandardFP().AddFhirExtensions());

    /// <summary>
    /// Search parameters of the FHIR R4 extensions (http://hl7.org/fhir/R4/patient-extensions.html)
    /// that the server treats as its own, so they are indexed on every write from the first start
    /// and need no SearchParameter resource or re-index job. IHE PDQm [ITI-78] requires
    /// mothersMaidenName (https://profiles.ihe.net/ITI/PDQm/ITI-78.html#2378412-message-semantics).
    /// </summary>
    private static readonly SearchParamDefinition[] Adopted =
    [
        new()
        {
            Resource = "Patient",
            Name = "mothersMaidenName",
            Url = "http://hl7.org/fhir/SearchParameter/patient-extensions-Patient-mothersMaidenName",
            Description = "Search based on patient's mother's maiden name",
            Type = SearchParamType.String,
            Expression = "Patient.extension('http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName').value",
        },

        // A referrer looks for a service in the client's language; R4 defines no parameter on
        // HealthcareService.communication, which is where the language is.
        new()
        {
            Resource = "HealthcareService",
            Name = "communication",
            Url = ProjectParameters + "HealthcareService-communication",
            Description = "A language the service is provided in",
            Type = SearchParamType.Token,
            Expression = "HealthcareService.communication",
        },
        Schedule("HealthcareService", "open-at", "Open at a wall-clock time (availableTime), outside notAvailable"),
        Schedule("PractitionerRole", "open-at", "Open at a wall-clock time (availableTime), within period and outside notAvailable"),
        Schedule("HealthcareService", "in-effect", "Not in a notAvailable period at the given date or time"),
        Schedule("PractitionerRole", "in-effect", "Within period (when it has one) and not in a notAvailable period at the given date or time"),
    ];

    /// <summary>The canonical base of the parameters the server defines itself.</summary>
    private const string ProjectParameters = "https://fhirmh.org/fhir/SearchParameter/";

    /// <summary>The special parameters, by canonical URL, that have an index of their own.</summary>
    private static readonly FrozenDictionary<string, SpecialSearch> SpecialByUrl = new Dictionary<string, SpecialSearch>
    {
        ["http://hl7.org/fhir/SearchParameter/Location-near"] = SpecialSearch.Near,
        [ProjectParameters + "HealthcareService-open-at"] = SpecialSearch.OpenAt,
        [ProjectParameters + "PractitionerRole-open-at"] = SpecialSearch.OpenAt,
        [ProjectParameters + "HealthcareService-in-effect"] = SpecialSearch.InEffect,
        [ProjectParameters + "PractitionerRole-in-effect"] = SpecialSearch.InEffect,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly ILookup<string, SearchParamDefinition> ByResource =
        ModelInfo.SearchParameters.Concat(Adopted).Where(p => p.Resource is not null).ToLookup(p => p.Resource!);

    /// <summary>search.html#all: the parameters of every resource, with the FHIRPath of their values.</summary>
    private static readonly (string Code, SearchParamType Type, string? Expression)[] Common =
    [
        ("_id", SearchParamType.Token, null),
        ("_lastUpdated", SearchParamType.Date, null),
        ("_tag", SearchParamType.Token, "meta.tag"),
        ("_security", SearchParamType.Token, "meta.security"),
        ("_profile", SearchParamType.Uri, "meta.profile"),
        ("_source", SearchParamType.Uri, "meta.source"),
    ];

    private static readonly Dictionary<string, SearchParamDefinition> ByUrl = ModelInfo.SearchParameters
        .Where(p => p.Url is not null)
        .GroupBy(p => p.Url!)
        .ToDictionary(g => g.Key, g => g.First());

    private readonly ConcurrentDictionary<string, FrozenDictionary<string, SearchParameterDefinition>> _byType = new();

    /// <summary>The parameters of <paramref name="resourceType"/>, by code: the built-in ones and the stored ones that apply.</summary>
    public FrozenDictionary<string, SearchParameterDefinition> For(string resourceType) =>
        stored.Current.Merge(resourceType, BuiltIn(resourceType));

    /// <summary>The parameters of <paramref name="resourceType"/> that the server defines itself, without stored ones.</summary>
    public FrozenDictionary<string, SearchParameterDefinition> BuiltIn(string resourceType) =>
        _byType.GetOrAdd(resourceType, Build);

    public SearchParameterDefinition? Find(string resourceType, string code) =>
        For(resourceType).GetValueOrDefault(code);

    private static FrozenDictionary<string, SearchParameterDefinition> Build(string resourceType)
    {
        var definitions = new Dictionary<string, SearchParameterDefinition>(StringComparer.Ordinal);
        foreach (var (code, type, expression) in Common)
        {
            definitions[code] = new SearchParameterDefinition(
                resourceType,
                code,
                type,
                $"http://hl7.org/fhir/SearchParameter/Resource{code.Replace("_", "-", StringComparison.Ordinal)}",
                [],
                expression is null ? [] : [new IndexPath(expression, Compiler.Compile(expression), null)]);
        }

        foreach (var parameter in ByResource[resourceType])
        {
            if (parameter.Name is null || definitions.ContainsKey(parameter.Name))
            {
                continue;
            }

            var components = parameter.Type == SearchParamType.Composite ? CompileComponents(resourceType, parameter) : [];
            var paths = parameter.Type == SearchParamType.Special || parameter.Expression is null ||
                (parameter.Type == SearchParamType.Composite && components.Count == 0)
                ? []
                : CompileBranches(resourceType, parameter.Expression);
            definitions[parameter.Name] = new SearchParameterDefinition(
                resourceType,
                parameter.Name,
                parameter.Type,
                parameter.Url,
                parameter.Target?.Select(t => t.ToString()).ToArray() ?? [],
                paths)
            {
                Components = components,
                Special = parameter.Type == SearchParamType.Special ? SpecialByUrl.GetValueOrDefault(parameter.Url ?? string.Empty) : SpecialSearch.None,
            };
        }

        return definitions.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static SearchParamDefinition Schedule(string resource, string code, string description) => new()
    {
        Resource = resource,
        Name = code,
        Url = $"{ProjectParameters}{resource}-{code}",
        Description = description,
        Type = SearchParamType.Special,
    };

    /// <summary>
    /// The components of a composite whose first component is a token and whose second is a
    /// token, quantity, date or string: every R4 composite but three (search.html#composite).
    /// </summary>
    private static List<CompositeComponent> CompileComponents(string resourceType, SearchParamDefinition parameter)
    {
        if (parameter.Component is not { Length: 2 } parts)
        {
            return [];
        }

        var components = new List<CompositeComponent>();
        foreach (var part in parts)
        {
            if (part.Definition is null || part.Expression is null || !ByUrl.TryGetValue(part.Definition, out var target))
            {
                return [];
            }

            var definition = new SearchParameterDefinition(resourceType, $"{parameter.Name}#{components.Count}", target.Type, target.Url, [], []);
            components.Add(new CompositeComponent(definition, Compiler.Compile(part.Expression)));
        }

        var isSupported = components[0].Definition.Type == SearchParamType.Token &&
            components[1].Definition.Type is SearchParamType.Token or SearchParamType.Quantity or SearchParamType.Date or SearchParamType.String;
        return isSupported ? components : [];
    }

    /// <summary>Compiles the branches of <paramref name="expression"/> that start at <paramref name="resourceType"/>.</summary>
    internal static List<IndexPath> CompileBranches(string resourceType, string expression)
    {
        var paths = new List<IndexPath>();
        foreach (var branch in TopLevelBranches(expression))
        {
            var text = branch;
            while (text.StartsWith('(') && text.EndsWith(')') && TopLevelBranches(text[1..^1]).Count == 1 && Balanced(text[1..^1]))
            {
                text = text[1..^1].Trim();
            }

            var head = HeadPattern().Match(text);
            if (!head.Success || (head.Groups[1].Value != resourceType && head.Groups[1].Value is not ("Resource" or "DomainResource")))
            {
                continue;
            }

            // resolve() needs the referenced resource; the type test it serves is applied to the
            // reference itself when it is indexed (e.g. Observation.subject.where(resolve() is Patient)).
            string? targetType = null;
            var resolve = ResolveIsPattern().Match(text);
            if (resolve.Success)
            {
                targetType = resolve.Groups[1].Value;
                text = ResolveIsPattern().Replace(text, string.Empty);
            }

            if (text.StartsWith("Resource.", StringComparison.Ordinal) || text.StartsWith("DomainResource.", StringComparison.Ordinal))
            {
                text = text[(text.IndexOf('.', StringComparison.Ordinal) + 1)..];
            }

            paths.Add(new IndexPath(text, Compiler.Compile(text), targetType));
        }

        return paths;
    }

    /// <summary>Splits on <c>|</c> outside parentheses and quotes.</summary>
    private static List<string> TopLevelBranches(string expression)
    {
        var branches = new List<string>();
        var depth = 0;
        var inQuote = false;
        var start = 0;
        for (var i = 0; i < expression.Length; i++)
        {
            var c = expression[i];
            if (c == '\'' && (i == 0 || expression[i - 1] != '\\'))
            {
                inQuote = !inQuote;
            }
            else if (!inQuote && c == '(')
            {
                depth++;
            }
            else if (!inQuote && c == ')')
            {
                depth--;
            }
            else if (!inQuote && depth == 0 && c == '|')
            {
                branches.Add(expression[start..i].Trim());
                start = i + 1;
            }
        }

        branches.Add(expression[start..].Trim());
        return branches;
    }

    private static bool Balanced(string text)
    {
        var depth = 0;
        foreach (var c in text)
        {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth < 0)
            {
                return false;
            }
        }

        return depth == 0;
    }

    [GeneratedRegex(@"^\(?([A-Za-z]+)(?:[\.\s]|$)")]
    private static partial Regex HeadPattern();

    [GeneratedRegex(@"\.where\(resolve\(\) is ([A-Za-z]+)\)")]
    private static partial Regex ResolveIsPattern();
}
