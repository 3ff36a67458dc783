using FhirMh.FhirServer.Search.Parsing;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Search.Sql;

/// <summary>
/// The candidates a walk may take its rows from (<see cref="Paging.RowIdWalk"/>): the criteria
/// that index rows answer, chains among them, and the type's live rows.
/// </summary>
internal sealed partial class SearchQueryBuilder
{
    /// <summary>
    /// The row ids of the current, live resources of <paramref name="type"/>, in the order of
    /// their index: the candidates of a walk that no criterion's index rows can drive
    /// (<see cref="Paging.RowIdWalk"/>). The caller's restrictions are left to the checks.
    /// </summary>
    public IQueryable<long> LiveRowIds(string type) =>
        db.Resources.Where(r => r.ResourceType == type && r.IsCurrent && !r.IsDeleted).Select(r => r.RowId);

    /// <summary>
    /// The top-level criteria every match meets whose row ids come from index rows, each with a key
    /// naming it among the searches of <paramref name="type"/> (<see cref="Paging.RowIdWalk"/>):
    /// not <c>:contains</c> or <c>:text</c>, which read every value of their parameter.
    /// </summary>
    /// <remarks>
    /// Equality criteria (references, tokens, uris) come first, then strings, then ranges (dates,
    /// numbers, quantities), which usually match the most rows, then chains, whose rows are found
    /// through their targets: each count after the first stops at the fewest rows found so far.
    /// </remarks>
    public List<(string Key, IQueryable<long> RowIds, bool IsChain)> Drivers(string type, IReadOnlyList<SearchCriterion> criteria, string baseUrl) =>
    [
        .. criteria
            .Select(c => (Criterion: c, Driver: c switch
            {
                ValueCriterion { Modifier: not ("contains" or "text") } value => IndexedRowIds(type, value, baseUrl) is { } rowIds ? (Key(type, value), rowIds, false) : ((string, IQueryable<long>, bool)?)null,
                ChainCriterion chain => ChainKey(type, chain) is { } key ? (key, ChainRowIds(type, chain, baseUrl), true) : null,
                _ => null,
            }))
            .Where(d => d.Driver is not null)
            .OrderBy(d => d.Criterion switch
            {
                ValueCriterion { Parameter.Type: SearchParamType.Reference or SearchParamType.Token or SearchParamType.Uri } => 0,
                ValueCriterion { Parameter.Type: SearchParamType.String } => 1,
                ValueCriterion => 2,
                _ => 3,
            })
            .Select(d => d.Driver!.Value),
    ];

    private static string Key(string type, ValueCriterion criterion) =>
        $"{type}?{criterion.Parameter.Code}:{criterion.Modifier}={string.Join('\u001f', criterion.Values.Select(v => $"{v.Prefix}{v.Text}"))}";

    /// <summary>The key of a chain whose innermost criteria are values (<c>subject:Patient.organization.name=...</c>), or null.</summary>
    private static string? ChainKey(string type, ChainCriterion chain)
    {
        var targets = new List<string>();
        foreach (var (targetType, inner) in chain.Targets)
        {
            var key = inner switch
            {
                ValueCriterion value => Key(targetType, value),
                ChainCriterion next => ChainKey(targetType, next),
                _ => null,
            };
            if (key is null)
            {
                return null;
            }

            targets.Add(key);
        }

        return $"{type}?{chain.Reference.Code}->({string.Join('\u001e', targets)})";
    }

    /// <summary>
    /// The row ids of the references of a chain whose targets meet its inner criteria, found target
    /// first; a row that refers to several such targets comes once for each.
    /// </summary>
    private IQueryable<long> ChainRowIds(string type, ChainCriterion chain, string baseUrl)
    {
        IQueryable<long>? rowIds = null;
        foreach (var (targetType, inner) in chain.Targets)
        {
            var references = ReferencesToTargets(type, chain.Reference.Code, targetType, inner, baseUrl).Select(x => x.RowId);
            rowIds = rowIds is null ? references : rowIds.Concat(references);
        }

        return rowIds!;
    }
}
