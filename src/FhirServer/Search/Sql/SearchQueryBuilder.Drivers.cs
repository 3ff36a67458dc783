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

    /// <summary>True when the caller's access hides some of the resources of <paramref name="type"/> from searches.</summary>
    public bool IsRestricted(string type) => access.Restriction(type, Searching) is not null;

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
    public List<WalkDriver> Drivers(string type, IReadOnlyList<SearchCriterion> criteria, string baseUrl) =>
    [
        .. criteria
            .Select(c => (Criterion: c, Driver: c switch
            {
                ValueCriterion { Modifier: not ("contains" or "text") } value => IndexedRowIds(type, value, baseUrl) is { } rowIds
                    ? new WalkDriver(Key(type, value), rowIds, IsChain: false, IsInRowIdOrder(value, baseUrl))
                    : null,
                ChainCriterion chain => ChainKey(type, chain) is { } key ? new WalkDriver(key, ChainRowIds(type, chain, baseUrl), IsChain: true, IsInRowIdOrder: false) : null,
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
            .Select(d => d.Driver!),
    ];

    /// <summary>
    /// True when the criterion's index rows come in row id order whatever its value: one value
    /// fixing every column its index holds ahead of <c>row_id</c>, a token's system and code
    /// (<c>ix_token_code</c>) or a reference's type and id (<c>ix_reference_target</c>). A walk of
    /// them has one good plan for any value: the index read in order up to the page.
    /// </summary>
    public static bool IsInRowIdOrder(ValueCriterion criterion, string baseUrl) =>
        criterion.Values is [var value] && criterion.Parameter.Type switch
        {
            SearchParamType.Token => criterion.Modifier is null && SearchValueCheck.Token(value.Text) is ({ }, { }, _),
            SearchParamType.Reference => criterion.Modifier != "identifier" &&
                ReferenceValue.Sought(criterion.Modifier, value, baseUrl) is { TargetType: not null, TargetId: not null, Version: null },
            _ => false,
        };

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
