using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Search.Paging;

/// <summary>
/// A forward page in the default order (row id) of a search with several criteria or a chain, read
/// by walking the row ids of its smallest indexed criterion (<see cref="CriterionCounts"/>), or of
/// the type's live rows when no criterion is small enough, in order
/// and checking each candidate against every criterion, one by one
/// (<see cref="Sql.SearchQueryBuilder.CheckedOneByOne"/>), until the page is full. Every match
/// meets the driver, so the walk misses none. When the first window of candidates holds no
/// match, or <see cref="SearchOptions.RowIdWalkBudget"/> candidates give too few, the rest of the
/// page comes from the planner's statement, after the last row walked: the matches are then too
/// sparse among the criterion's rows for a walk. The planner alone chose by estimates that can be
/// off a thousandfold: for services treating depression, near Paris, in French, it built the
/// whole set of 4,724 services near Paris to keep the first 21 of its 658 matches (80 ms), where
/// the walk checks a few hundred services treating depression.
/// </summary>
internal sealed class RowIdWalk : IIndexOrderedPage
{
    /// <summary>
    /// The first window is twice the page, at least this many rows: enough to tell matches that
    /// are merely spread out from matches too sparse for a walk, at the cost of a millisecond.
    /// </summary>
    private const int FirstWindowFloor = 32;

    private readonly FhirDbContext _db;
    private readonly IQueryable<long> _driver;
    private readonly IQueryable<ResourceRow> _checked;
    private readonly int _budget;
    private readonly bool _isLive;

    private RowIdWalk(FhirDbContext db, IQueryable<long> driver, IQueryable<ResourceRow> oneByOne, int budget, bool isLive)
    {
        _db = db;
        _driver = driver;
        _isLive = isLive;
        _checked = oneByOne;
        _budget = budget;
    }

    /// <summary>
    /// The walk for this page, or null when the search is not of one type, is sorted, reads a
    /// <c>previous</c> page, has one criterion and it is not a chain, or has no criterion whose
    /// rows index rows give (<see cref="Sql.SearchQueryBuilder.Drivers"/>, chains included).
    /// The driver is the criterion whose rows an index holds in the fewest (under
    /// <see cref="CriterionCounts.Ceiling"/>), or else the type's live rows
    /// (<see cref="Sql.SearchQueryBuilder.LiveRowIds"/>): for a chain, or criteria that each match
    /// ten thousand rows or more, the planner's estimates cannot be trusted, and it built all
    /// 22,022 Observations of the Patients of one Organization (230 ms) to keep the first eleven.
    /// </summary>
    public static async Task<RowIdWalk?> ForAsync(
        Sql.SearchQueryBuilder builder, FhirDbContext db, CriterionCounts counts, string? type, Parsing.ParsedSearch search,
        IReadOnlyList<Parsing.SearchCriterion> criteria, SearchPageToken? page, string baseUrl, int budget, CancellationToken cancellationToken)
    {
        if (type is null || search.Sort.Count > 0 || page is { IsBefore: true } || criteria.Count == 0 || budget < 1)
        {
            return null;
        }

        // One criterion other than a chain is read from its own index in row id order by the
        // planner's statement.
        var hasChain = criteria.Any(c => c is Parsing.ChainCriterion);
        if (criteria.Count == 1 && !hasChain)
        {
            return null;
        }

        var drivers = builder.Drivers(type, criteria, baseUrl);
        if (drivers.Count == 0)
        {
            return null;
        }

        IQueryable<long>? driver = null;
        var fewest = CriterionCounts.Ceiling;
        var firstWindow = FirstWindow(search.Count + 1, budget);
        foreach (var (key, rowIds, isChain) in drivers)
        {
            // Counted only as far as the fewest so far: a broad date range is not read ten thousand
            // rows deep to lose to a subject's ten. A chain's rows are found again through its
            // targets at every window, a few probes apiece: it drives a walk only when it has fewer
            // rows than the budget, beyond which checking the type's live rows costs less.
            var upTo = isChain ? Math.Min(fewest, budget) : fewest;
            var count = await counts.CountAsync(key, rowIds, upTo, withRepeats: isChain, cancellationToken);
            if (count < upTo)
            {
                (driver, fewest) = (rowIds.Distinct(), count);
            }

            if (fewest < firstWindow)
            {
                // One window walks it whole: no other criterion could make the page cheaper.
                break;
            }
        }

        // The live rows come from their index in row id order, where the rows of a criterion with
        // ten thousand rows or more would be sorted anew for each window. Their walk does not stop
        // at an empty first window: a type's rows come in clusters (a Patient's Observations arrive
        // together), and the first few dozen may all belong to people the search does not want.
        var oneByOne = builder.CheckedOneByOne([type], criteria, baseUrl);
        return driver is null
            ? new RowIdWalk(db, builder.LiveRowIds(type), oneByOne, budget, isLive: true)
            : new RowIdWalk(db, driver, oneByOne, budget, isLive: false);
    }

    public async Task<List<MatchedRow>> TakeAsync(IQueryable<ResourceRow> matches, SearchPageToken? page, int take, CancellationToken cancellationToken)
    {
        var after = page?.RowId ?? 0;
        var found = new List<long>(take);
        var walked = 0;
        var window = FirstWindow(take, _budget);
        while (true)
        {
            var (from, remaining) = (after, take - found.Count);
            var candidates = _driver.Where(id => id > from).OrderBy(id => id).Take(window);
            List<long> seen;
            if (walked == 0)
            {
                // The first window, a few dozen rows, is checked whole in one statement that also
                // tells where it ended.
                var flagged = await Planned(Flagged(candidates)).ToListAsync(cancellationToken);
                found.AddRange(flagged.Where(c => c.IsMatch).Select(c => c.RowId).Take(remaining));
                seen = [.. flagged.Select(c => c.RowId)];
            }
            else
            {
                // A larger window stops at the last match the page needs; only when it does not is
                // it read again to tell where it ended.
                found.AddRange(await Planned(Matching(candidates).Take(remaining)).ToListAsync(cancellationToken));
                seen = found.Count == take ? [] : await Planned(candidates).ToListAsync(cancellationToken);
            }

            if (found.Count == take)
            {
                break;
            }

            walked += seen.Count;
            if (seen.Count < window)
            {
                break;
            }

            after = seen[^1];

            // No match in the first window of a criterion's rows, or none left in the budget: the
            // matches are too sparse for a walk, and the planner finds the rest of the page.
            if ((found.Count == 0 && !_isLive) || walked >= _budget)
            {
                found.AddRange(await matches.Where(r => r.RowId > after).OrderBy(r => r.RowId).Take(take - found.Count)
                    .Select(r => r.RowId).ToListAsync(cancellationToken));
                break;
            }

            // That statement stops at the last match the page needs, so one window can take the rest of the budget.
            window = _budget - walked;
        }

        return await MatchedRow.ReadCurrentAsync(_db, found, cancellationToken);
    }

    private static int FirstWindow(int take, int budget) => Math.Min(Math.Max(take * 2, FirstWindowFloor), budget);

    /// <summary>The default order has no sort values: a page token holds the row id alone.</summary>
    public List<string?> KeysOf(long rowId) => [];

    /// <summary>
    /// A walk of a criterion's rows is planned for its values: prepared generically, it walked an
    /// index in row id order past every other value. A walk of the live rows has one plan whatever
    /// the values (the live index in order, each check a probe), and keeps the generic plan its
    /// prepared statement earns: planning the nested checks of a two-level chain took about 1 ms
    /// at every execution, twice their running time.
    /// </summary>
    private IQueryable<T> Planned<T>(IQueryable<T> query) => _isLive ? query : query.PlannedForItsValues();

    /// <summary>The candidates that match, in row id order: each checked on its own, as the walk reaches it.</summary>
    private IQueryable<long> Matching(IQueryable<long> candidates)
    {
        var oneByOne = _checked;
        var fence = 0;
        return candidates.Where(id => oneByOne.Where(r => r.RowId == id).Skip(fence).Any()).OrderBy(id => id);
    }

    /// <summary>Every candidate, in row id order, with whether it matches.</summary>
    private IQueryable<Candidate> Flagged(IQueryable<long> candidates)
    {
        var oneByOne = _checked;
        var fence = 0;
        return candidates.Select(id => new Candidate { RowId = id, IsMatch = oneByOne.Where(r => r.RowId == id).Skip(fence).Any() })
            .OrderBy(c => c.RowId);
    }

    private sealed class Candidate
    {
        public long RowId { get; init; }

        public bool IsMatch { get; init; }
    }
}
