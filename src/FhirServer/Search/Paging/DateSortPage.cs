using FhirMh.FhirServer.Search.Indexing;
using FhirMh.FhirServer.Search.Parameters;
using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;
using SearchParamType = Hl7.Fhir.Model.SearchParamType;
using SortKey = FhirMh.FhirServer.Search.Parsing.SortKey;

namespace FhirMh.FhirServer.Search.Paging;

/// <summary>
/// A forward page of a search sorted by one date parameter (<c>Observation?code=...&amp;_sort=-date</c>,
/// a client's latest scores), read from the date index in key order: each resource's key value
/// (its latest end for a descending sort, its earliest start for an ascending one) is one index
/// row, and the rows are walked in order, each checked against the criteria, until the page is
/// full. Ranking every match first cost time in proportion to the matches (20,000 of them for one
/// LOINC code in 100,000 Observations); the walk stops after about a page's worth divided by the
/// share of rows that match. Searches with few matches are still ranked, which costs less than a
/// walk past most of the index to find them. Resources without a value follow, in row id order, as in
/// <see cref="SortOrder"/>, whose order and page tokens this reader keeps; <c>previous</c> pages go
/// through <see cref="SortOrder"/>.
/// </summary>
internal sealed class DateSortPage : IIndexOrderedPage
{
    private readonly FhirDbContext _db;
    private readonly IQueryable<DateIndexRow> _dates;
    private readonly IQueryable<DateIndexRow> _rowDates;
    private readonly bool _isDescending;
    private readonly Dictionary<long, Instant> _keys = [];

    private DateSortPage(FhirDbContext db, string type, string code, bool isDescending)
    {
        _db = db;
        _dates = db.DateIndex.OfParameter(type, code);
        _rowDates = db.DateIndex.OfRowParameter(code);
        _isDescending = isDescending;
    }

    /// <summary>
    /// The reader for this page, or null when the order is not one date parameter of one type, the
    /// page is a <c>previous</c> one, or fewer than <paramref name="manyMatches"/> resources match
    /// (<see cref="SearchOptions.IndexOrderedSortFrom"/>): ranking a few matches costs less than a
    /// walk that may pass over most of the index to find them.
    /// </summary>
    public static async Task<DateSortPage?> ForAsync(
        FhirDbContext db, string? type, IReadOnlyList<SortKey> sort, SearchPageToken? page, IQueryable<ResourceRow> matches, int manyMatches, CancellationToken cancellationToken)
    {
        if (type is null || page is { IsBefore: true }
            || sort is not [{ Near: null, Parameter: { Type: SearchParamType.Date, Special: SpecialSearch.None, IsResourceColumn: false } parameter } key])
        {
            return null;
        }

        var counted = await matches.Select(r => r.RowId).Take(manyMatches).PlannedForItsValues().CountAsync(cancellationToken);
        return counted < manyMatches ? null : new DateSortPage(db, type, parameter.Code, key.IsDescending);
    }

    public async Task<List<MatchedRow>> TakeAsync(IQueryable<ResourceRow> matches, SearchPageToken? page, int take, CancellationToken cancellationToken)
    {
        var missing = SortOrder.MissingDate(_isDescending);
        var boundary = page is null ? (Instant?)null : BoundaryOf(page);
        var rows = new List<MatchedRow>(take);
        if (boundary != missing)
        {
            var found = Valued(matches, boundary, page?.RowId ?? 0, take)
                .Join(_db.Resources, k => k.RowId, r => r.RowId, (k, r) => new { k.Key, k.RowId, r.ResourceType, r.ResourceId, r.Json });
            var ordered = _isDescending ? found.OrderByDescending(v => v.Key) : found.OrderBy(v => v.Key);
            foreach (var v in await ordered.ThenBy(v => v.RowId).PlannedForItsValues().ToListAsync(cancellationToken))
            {
                rows.Add(new MatchedRow(v.RowId, v.ResourceType, v.ResourceId, v.Json!));
                _keys[v.RowId] = v.Key;
            }
        }

        if (rows.Count < take)
        {
            var rowDates = _rowDates;
            var without = matches.Where(r => !rowDates.Any(d => d.RowId == r.RowId));
            if (boundary == missing)
            {
                var after = page!.RowId;
                without = without.Where(r => r.RowId > after);
            }

            var tail = await without.OrderBy(r => r.RowId).Take(take - rows.Count)
                .Select(r => new MatchedRow(r.RowId, r.ResourceType, r.ResourceId, r.Json!))
                .PlannedForItsValues()
                .ToListAsync(cancellationToken);
            foreach (var row in tail)
            {
                rows.Add(row);
                _keys[row.RowId] = missing;
            }
        }

        return rows;
    }

    public List<string?> KeysOf(long rowId) => [SortOrder.Format(_keys[rowId])];

    /// <summary>
    /// The matches with a value, in key order after the boundary: one index row per resource (the
    /// one holding its key; on a tie, the lowest ordinal), kept when the resource is among the matches.
    /// </summary>
    private IQueryable<KeyedRow> Valued(IQueryable<ResourceRow> matches, Instant? boundary, long boundaryRowId, int take)
    {
        var (dates, rowDates) = (_dates, _rowDates);
        var ids = matches.Select(r => r.RowId);

        // The key row is found by one probe of the row's own date rows (the primary key starts with
        // the row id). Written as "no row beats it", SQLite answered the OR from a value index,
        // a range scan for every row walked.
        var keyed = _isDescending
            ? dates.Where(d => d.Ordinal == rowDates.Where(o => o.RowId == d.RowId).OrderByDescending(o => o.End).ThenBy(o => o.Ordinal).Select(o => o.Ordinal).First())
                .Select(d => new KeyedRow { RowId = d.RowId, Key = d.End })
            : dates.Where(d => d.Ordinal == rowDates.Where(o => o.RowId == d.RowId).OrderBy(o => o.Start).ThenBy(o => o.Ordinal).Select(o => o.Ordinal).First())
                .Select(d => new KeyedRow { RowId = d.RowId, Key = d.Start });
        keyed = keyed.Where(k => ids.Contains(k.RowId));
        if (boundary is { } value)
        {
            keyed = _isDescending
                ? keyed.Where(k => k.Key < value || (k.Key == value && k.RowId > boundaryRowId))
                : keyed.Where(k => k.Key > value || (k.Key == value && k.RowId > boundaryRowId));
        }

        var ordered = _isDescending ? keyed.OrderByDescending(k => k.Key) : keyed.OrderBy(k => k.Key);
        return ordered.ThenBy(k => k.RowId).Take(take);
    }

    private static Instant BoundaryOf(SearchPageToken page) =>
        page.Keys is [{ } text]
            ? (Instant)SortOrder.Parse(text, typeof(Instant))
            : throw Rest.FhirException.BadRequest("The page link does not belong to this search; start from the first page.", "_page");

    private sealed class KeyedRow
    {
        public long RowId { get; init; }

        public Instant Key { get; init; }
    }
}
