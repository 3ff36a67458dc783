using System.Globalization;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search.Parameters;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Search.Parsing;

/// <summary>
/// Parses search parameters (search.html) into a <see cref="ParsedSearch"/>. A malformed value of
/// a known parameter is always a 400; an unknown parameter is a 400 only with
/// <c>Prefer: handling=strict</c>, and otherwise ignored and reported (search.html#errors).
/// </summary>
internal sealed class SearchParser(SearchParameterRegistry registry, IOptions<SearchOptions> options)
{
    /// <summary>Parameters about the form of the response, kept in every link but not search criteria.</summary>
    public static readonly IReadOnlySet<string> OutputParameters = new HashSet<string>(StringComparer.Ordinal)
    {
        "_format", "_pretty", "_summary", "_elements",
    };

    private static readonly HashSet<string> Unsupported = new HashSet<string>(StringComparer.Ordinal)
    {
        "_contained", "_containedType", "_text", "_content", "_list", "_query", "_filter",
    };

    public ParsedSearch Parse(IReadOnlyList<string> resourceTypes, IReadOnlyList<KeyValuePair<string, string>> parameters, bool isStrict)
    {
        var criteria = new List<SearchCriterion>();
        var sort = new List<SortKey>();
        var includes = new List<IncludeSpec>();
        var revIncludes = new List<IncludeSpec>();
        var applied = new List<KeyValuePair<string, string>>();
        var ignored = new List<string>();
        var count = options.Value.DefaultCount;
        var total = TotalMode.None;
        string? page = null;

        foreach (var (key, value) in parameters)
        {
            switch (key)
            {
                case "_type":
                    applied.Add(new(key, value));
                    continue;
                case "_count":
                    count = ParseCount(value);
                    applied.Add(new(key, value));
                    continue;
                case "_total":
                    total = value switch
                    {
                        "none" => TotalMode.None,
                        "estimate" => TotalMode.Estimate,
                        "accurate" => TotalMode.Accurate,
                        _ => throw FhirException.BadRequest($"_total must be none, estimate or accurate, not '{value}'.", "_total"),
                    };
                    applied.Add(new(key, value));
                    continue;
                case "_sort":
                    sort.AddRange(ParseSort(resourceTypes, value));
                    applied.Add(new(key, value));
                    continue;
                case "_include" or "_include:iterate" or "_include:recurse":
                    includes.Add(ParseInclude(key, value));
                    applied.Add(new(key, value));
                    continue;
                case "_revinclude" or "_revinclude:iterate" or "_revinclude:recurse":
                    revIncludes.Add(ParseInclude(key, value));
                    applied.Add(new(key, value));
                    continue;
                case "_page":
                    page = value;
                    continue;
                default:
                    break;
            }

            if (OutputParameters.Contains(key))
            {
                applied.Add(new(key, value));
                continue;
            }

            try
            {
                criteria.Add(ParseCriterion(resourceTypes, key, value));
                applied.Add(new(key, value));
            }
            catch (UnknownParameterException e) when (!isStrict)
            {
                ignored.Add(e.Message);
            }
            catch (UnknownParameterException e)
            {
                throw FhirException.BadRequest(e.Message, key);
            }
        }

        // Locations found by near come nearest first unless the client sorts otherwise (R4
        // Location-near: "the results should be sorted by distance"), by the first point given.
        if (sort.Count == 0 && resourceTypes.Count == 1 &&
            criteria.OfType<ValueCriterion>().FirstOrDefault(c => c.Parameter.Special == SpecialSearch.Near) is { } near)
        {
            sort.Add(new SortKey(near.Parameter, IsDescending: false)
            {
                Near = NearValue.Parse(near.Values[0], near.Parameter.Code, options.Value.NearDefaultDistance),
                IsEveryMatchWithinRadius = near.Modifier is null && near.Values.Count == 1,
            });
        }

        return new ParsedSearch(resourceTypes, criteria, sort, count, total, includes, revIncludes, page, applied, ignored);
    }

    private SearchCriterion ParseCriterion(IReadOnlyList<string> resourceTypes, string key, string value)
    {
        if (resourceTypes.Count <= 1)
        {
            // A system search without _type takes the parameters of every resource (search.html#all).
            return ParseCriterion(resourceTypes.Count == 0 ? "Resource" : resourceTypes[0], key, value, key);
        }

        // Several types (system search, _type): only parameters every one of them has
        // (search.html#all). The query is then built by parameter code, across the types.
        var parsed = resourceTypes.Select(t => ParseCriterion(t, key, value, key)).ToList();
        return parsed[0];
    }

    /// <exception cref="UnknownParameterException">The parameter, modifier or chain is not known for the type.</exception>
    internal SearchCriterion ParseCriterion(string resourceType, string key, string value, string fullKey)
    {
        if (key.StartsWith("_has:", StringComparison.Ordinal))
        {
            return ParseHas(resourceType, key, value, fullKey);
        }

        var dot = key.IndexOf('.', StringComparison.Ordinal);
        var head = dot < 0 ? key : key[..dot];
        var colon = head.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? head : head[..colon];
        var modifier = colon < 0 ? null : head[(colon + 1)..];
        if (Unsupported.Contains(name))
        {
            throw new UnknownParameterException($"The parameter '{fullKey}' is not supported by this server.");
        }

        var parameter = registry.Find(resourceType, name)
            ?? throw new UnknownParameterException($"'{name}' is not a search parameter of {resourceType} (in '{fullKey}').");
        if (!parameter.IsIndexed)
        {
            throw new UnknownParameterException($"The {parameter.Type} parameter '{fullKey}' of {resourceType} is not supported by this server.");
        }

        if (dot >= 0)
        {
            return ParseChain(resourceType, parameter, modifier, key[(dot + 1)..], value, fullKey);
        }

        if (parameter.Type == SearchParamType.Reference && modifier is not null && ModelInfo.IsKnownResource(modifier))
        {
            // subject:Patient=123 is subject=Patient/123 (search.html#reference).
            return new ValueCriterion(parameter, modifier, SplitValues(value, SearchParamType.Reference));
        }

        CheckModifier(parameter, modifier, fullKey);
        if (modifier == "missing" && value is not ("true" or "false"))
        {
            throw FhirException.BadRequest($":missing takes true or false, not '{value}'.", fullKey);
        }

        var values = modifier == "missing" ? [new SearchValue(SearchPrefix.Eq, value)] : SplitValues(value, parameter.Type);
        foreach (var searchValue in values)
        {
            SearchValueCheck.Check(parameter, modifier, searchValue, fullKey);
        }

        return new ValueCriterion(parameter, modifier, values);
    }

    private ChainCriterion ParseChain(string resourceType, SearchParameterDefinition parameter, string? modifier, string rest, string value, string fullKey)
    {
        if (parameter.Type != SearchParamType.Reference)
        {
            throw FhirException.BadRequest($"'{parameter.Code}' is a {parameter.Type} parameter of {resourceType}; only reference parameters can be chained.", fullKey);
        }

        IEnumerable<string> candidates = modifier is not null ? [modifier] : parameter.Targets;
        var targets = new List<(string, SearchCriterion)>();
        foreach (var target in candidates)
        {
            if (!ModelInfo.IsKnownResource(target) || (parameter.Targets.Count > 0 && !parameter.Targets.Contains(target)))
            {
                throw FhirException.BadRequest($"'{target}' is not a target type of {resourceType}.{parameter.Code}.", fullKey);
            }

            try
            {
                targets.Add((target, ParseCriterion(target, rest, value, fullKey)));
            }
            catch (UnknownParameterException) when (modifier is null)
            {
                // Without a type, the chain follows the target types that have the parameter.
            }
        }

        return targets.Count > 0
            ? new ChainCriterion(parameter, targets)
            : throw new UnknownParameterException($"No target type of {resourceType}.{parameter.Code} has a search parameter for '{rest}' (in '{fullKey}').");
    }

    private HasCriterion ParseHas(string resourceType, string key, string value, string fullKey)
    {
        // _has:Observation:subject:code=... (search.html#has); the rest may itself be a _has or a chain.
        var parts = key.Split(':', 4);
        if (parts.Length < 4 || !ModelInfo.IsKnownResource(parts[1]))
        {
            throw FhirException.BadRequest($"'{fullKey}' must be _has:Type:reference:parameter.", fullKey);
        }

        var reference = registry.Find(parts[1], parts[2]);
        if (reference is not { Type: SearchParamType.Reference })
        {
            throw FhirException.BadRequest($"'{parts[2]}' is not a reference parameter of {parts[1]} (in '{fullKey}').", fullKey);
        }

        if (reference.Targets.Count > 0 && !reference.Targets.Contains(resourceType))
        {
            throw FhirException.BadRequest($"{parts[1]}.{parts[2]} cannot refer to {resourceType} (in '{fullKey}').", fullKey);
        }

        return new HasCriterion(parts[1], reference, ParseCriterion(parts[1], parts[3], value, fullKey));
    }

    private static void CheckModifier(SearchParameterDefinition parameter, string? modifier, string key)
    {
        if (modifier is null || (modifier == "missing" && parameter.Special == SpecialSearch.None))
        {
            return;
        }

        var allowed = parameter.Type switch
        {
            SearchParamType.String => modifier is "exact" or "contains",
            SearchParamType.Token => modifier is "not" or "text" or "in" or "not-in" or "above" or "below",
            SearchParamType.Reference => modifier is "identifier",
            SearchParamType.Uri => modifier is "above" or "below",
            _ => false,
        };
        if (!allowed)
        {
            throw new UnknownParameterException($"The modifier :{modifier} is not supported on the {parameter.Type} parameter '{parameter.Code}' (in '{key}').");
        }
    }

    /// <summary>Splits on commas not escaped with a backslash (search.html#escaping); prefixes are read for ordered types.</summary>
    internal static List<SearchValue> SplitValues(string value, SearchParamType type)
    {
        var values = new List<SearchValue>();
        foreach (var part in SearchEscaping.Split(value, ','))
        {
            var prefix = SearchPrefix.Eq;
            var text = part;
            if (type is SearchParamType.Date or SearchParamType.Number or SearchParamType.Quantity &&
                part.Length > 2 && char.IsAsciiLetterLower(part[0]) && char.IsAsciiLetterLower(part[1]) &&
                Enum.TryParse<SearchPrefix>(part[..2], ignoreCase: true, out var parsed) && !char.IsAsciiLetter(part[2]))
            {
                prefix = parsed;
                text = part[2..];
            }

            values.Add(new SearchValue(prefix, text));
        }

        return values;
    }

    private List<SortKey> ParseSort(IReadOnlyList<string> resourceTypes, string value)
    {
        var keys = new List<SortKey>();
        foreach (var item in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var isDescending = item.StartsWith('-');
            var code = isDescending ? item[1..] : item;
            var type = resourceTypes.Count == 0 ? "Resource" : resourceTypes[0];
            var parameter = registry.Find(type, code);
            if (parameter is null || !parameter.IsIndexed || parameter.Type is SearchParamType.Composite or SearchParamType.Special)
            {
                throw FhirException.BadRequest($"Cannot sort {type} by '{code}': not a search parameter of the type.", "_sort");
            }

            keys.Add(new SortKey(parameter, isDescending));
        }

        return keys;
    }

    private IncludeSpec ParseInclude(string key, string value)
    {
        var isIterate = key.EndsWith(":iterate", StringComparison.Ordinal) || key.EndsWith(":recurse", StringComparison.Ordinal);
        if (value == "*")
        {
            return new IncludeSpec("*", null, null, isIterate, value);
        }

        var parts = value.Split(':');
        if (parts.Length is < 2 or > 3 || !ModelInfo.IsKnownResource(parts[0]))
        {
            throw FhirException.BadRequest($"'{value}' must be SourceType:parameter[:TargetType] or *.", key);
        }

        if (parts[1] == "*")
        {
            return new IncludeSpec(parts[0], null, parts.Length == 3 ? parts[2] : null, isIterate, value);
        }

        var parameter = registry.Find(parts[0], parts[1]);
        if (parameter is not { Type: SearchParamType.Reference })
        {
            throw FhirException.BadRequest($"'{parts[1]}' is not a reference parameter of {parts[0]}.", key);
        }

        if (parts.Length == 3 && !ModelInfo.IsKnownResource(parts[2]))
        {
            throw FhirException.BadRequest($"'{parts[2]}' is not a resource type.", key);
        }

        return new IncludeSpec(parts[0], parts[1], parts.Length == 3 ? parts[2] : null, isIterate, value);
    }

    private int ParseCount(string value)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            throw FhirException.BadRequest($"_count must be a non-negative integer, not '{value}'.", "_count");
        }

        return Math.Min(count, options.Value.MaxCount);
    }
}
