using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search.Parsing;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Search;

/// <summary>
/// Reads what the token modifiers <c>:in</c>, <c>:not-in</c> (a ValueSet) and <c>:above</c>,
/// <c>:below</c> (a CodeSystem's hierarchy) refer to, from resources stored in this server
/// (search.html#token), before the query is built. A ValueSet counts its expansion, its
/// enumerated concepts, whole code systems it includes, and the ValueSets it imports;
/// filters other than is-a/descendent-of on a stored CodeSystem are refused with a 400.
/// </summary>
internal sealed class TokenSets(FhirDbContext db, FhirSerializers serializers)
{
    private const int MaxValueSetDepth = 8;

    /// <summary>The set for every value of every token criterion with one of these modifiers, found anywhere in the tree.</summary>
    public async Task<Dictionary<SearchValue, TokenSet>> LoadAsync(IEnumerable<SearchCriterion> criteria, CancellationToken cancellationToken)
    {
        var sets = new Dictionary<SearchValue, TokenSet>();
        foreach (var criterion in Flatten(criteria))
        {
            foreach (var value in criterion.Values)
            {
                if (!sets.ContainsKey(value))
                {
                    sets[value] = criterion.Modifier is "in" or "not-in"
                        ? await ValueSetAsync(SearchEscaping.Unescape(value.Text), criterion.Parameter.Code, 0, cancellationToken)
                        : await HierarchyAsync(value, criterion.Modifier == "below", criterion.Parameter.Code, cancellationToken);
                }
            }
        }

        return sets;
    }

    private static IEnumerable<ValueCriterion> Flatten(IEnumerable<SearchCriterion> criteria)
    {
        foreach (var criterion in criteria)
        {
            var nested = criterion switch
            {
                ValueCriterion { Modifier: "in" or "not-in" or "above" or "below", Parameter.Type: SearchParamType.Token } value => [value],
                ChainCriterion chain => Flatten(chain.Targets.Select(t => t.Inner)),
                HasCriterion has => Flatten([has.Inner]),
                Security.AccessCriterion access => Flatten(access.Alternatives.SelectMany(a => a)),
                _ => [],
            };
            foreach (var value in nested)
            {
                yield return value;
            }
        }
    }

    private async Task<TokenSet> ValueSetAsync(string url, string key, int depth, CancellationToken cancellationToken)
    {
        if (depth > MaxValueSetDepth)
        {
            throw FhirException.BadRequest($"ValueSet {url} imports ValueSets more than {MaxValueSetDepth} levels deep.", key);
        }

        var valueSet = await ReadByUrlAsync<ValueSet>("ValueSet", url, cancellationToken)
            ?? throw FhirException.BadRequest($"No ValueSet with url '{url}' is stored on this server.", key);
        var codes = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var whole = new List<string>();
        if (valueSet.Expansion is { } expansion)
        {
            AddExpansion(expansion.Contains, codes);
            return new TokenSet(codes, whole);
        }

        foreach (var include in valueSet.Compose?.Include ?? [])
        {
            foreach (var imported in include.ValueSet.OfType<string>())
            {
                var inner = await ValueSetAsync(imported, key, depth + 1, cancellationToken);
                Merge(inner, codes, whole);
            }

            if (include.System is not { } system)
            {
                continue;
            }

            if (include.Concept.Count > 0)
            {
                Codes(codes, system).AddRange(include.Concept.Select(c => c.Code).OfType<string>());
            }
            else if (include.Filter.Count > 0)
            {
                foreach (var filter in include.Filter)
                {
                    if (filter is not { Property: "concept", Op: FilterOperator.IsA or FilterOperator.DescendentOf, Value: { } code })
                    {
                        throw FhirException.BadRequest($"ValueSet {url} uses a filter ({filter.Property} {filter.Op}) this server cannot evaluate.", key);
                    }

                    var below = await HierarchyAsync(system, code, isBelow: true, key, cancellationToken);
                    var found = below.CodesBySystem.GetValueOrDefault(system) ?? [];
                    Codes(codes, system).AddRange(filter.Op == FilterOperator.DescendentOf ? found.Where(c => c != code) : found);
                }
            }
            else
            {
                whole.Add(system);
            }
        }

        foreach (var exclude in valueSet.Compose?.Exclude ?? [])
        {
            if (exclude.System is { } system && codes.TryGetValue(system, out var list))
            {
                list.RemoveAll(c => exclude.Concept.Any(e => e.Code == c));
            }
        }

        return new TokenSet(codes, whole);
    }

    private static void AddExpansion(IEnumerable<ValueSet.ContainsComponent> contains, Dictionary<string, List<string>> codes)
    {
        foreach (var item in contains)
        {
            if (item.System is { } system && item.Code is { } code)
            {
                Codes(codes, system).Add(code);
            }

            AddExpansion(item.Contains, codes);
        }
    }

    private static void Merge(TokenSet inner, Dictionary<string, List<string>> codes, List<string> whole)
    {
        foreach (var (system, list) in inner.CodesBySystem)
        {
            Codes(codes, system).AddRange(list);
        }

        whole.AddRange(inner.WholeSystems);
    }

    private static List<string> Codes(Dictionary<string, List<string>> codes, string system) =>
        codes.TryGetValue(system, out var list) ? list : codes[system] = [];

    private Task<TokenSet> HierarchyAsync(SearchValue value, bool isBelow, string key, CancellationToken cancellationToken)
    {
        var (system, code, _) = SearchValueCheck.Token(value.Text);
        if (system is null || code is null)
        {
            throw FhirException.BadRequest($":{(isBelow ? "below" : "above")} needs system|code, not '{value.Text}'.", key);
        }

        return HierarchyAsync(system, code, isBelow, key, cancellationToken);
    }

    /// <summary>The code and its descendants (below) or ancestors (above) in the stored CodeSystem's concept tree.</summary>
    private async Task<TokenSet> HierarchyAsync(string system, string code, bool isBelow, string key, CancellationToken cancellationToken)
    {
        var codeSystem = await ReadByUrlAsync<CodeSystem>("CodeSystem", system, cancellationToken)
            ?? throw FhirException.BadRequest($"No CodeSystem with url '{system}' is stored on this server, so its hierarchy is not known.", key);
        var found = new List<string>();
        Walk(codeSystem.Concept, [], code, isBelow, found);
        return new TokenSet(new Dictionary<string, List<string>> { [system] = found }, []);
    }

    private static bool Walk(List<CodeSystem.ConceptDefinitionComponent> concepts, List<string> ancestors, string code, bool isBelow, List<string> found)
    {
        foreach (var concept in concepts)
        {
            if (concept.Code == code)
            {
                found.Add(code);
                if (isBelow)
                {
                    Descendants(concept.Concept, found);
                }
                else
                {
                    found.AddRange(ancestors);
                }

                return true;
            }

            if (Walk(concept.Concept, [.. ancestors, concept.Code!], code, isBelow, found))
            {
                return true;
            }
        }

        return false;
    }

    private static void Descendants(List<CodeSystem.ConceptDefinitionComponent> concepts, List<string> found)
    {
        foreach (var concept in concepts)
        {
            if (concept.Code is { } code)
            {
                found.Add(code);
            }

            Descendants(concept.Concept, found);
        }
    }

    /// <summary>The current version of the conformance resource with this canonical url (a <c>|version</c> picks that version).</summary>
    private async Task<T?> ReadByUrlAsync<T>(string type, string canonical, CancellationToken cancellationToken)
        where T : Resource
    {
        var bar = canonical.IndexOf('|', StringComparison.Ordinal);
        var url = bar < 0 ? canonical : canonical[..bar];
        var rows = db.UriIndex.Where(x => x.ResourceType == type && x.Param == "url" && x.Value == url);
        var candidates = await db.Resources
            .Where(r => r.IsCurrent && !r.IsDeleted && rows.Any(x => x.RowId == r.RowId))
            .OrderByDescending(r => r.RowId)
            .Select(r => r.Json!)
            .Take(20)
            .ToListAsync(cancellationToken);
        var resources = candidates.Select(json => serializers.ParseJson(json)).OfType<T>();
        return bar < 0
            ? resources.FirstOrDefault()
            : resources.FirstOrDefault(r => r is IVersionableConformanceResource { Version: var v } && v == canonical[(bar + 1)..]);
    }
}
