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
/// the walk checks a few hundred services treating depression. A search with one criterion whose
/// index gives its rows in row id order (an identifier, a LOINC code with its system, a subject)
/// is walked too: its page is the first rows of that index, in one statement with one plan.
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
    private readonly Lazy<IQueryable<ResourceRow>> _checked;
    private readonly int _budget;
    private readonly Candidates _candidates;

    /// <summary>True when the caller's access may hide some of the criterion's rows.</summary>
    private readonly bool _hidesSome;

    private RowIdWalk(FhirDbContext db, IQueryable<long> driver, Lazy<IQueryable<ResourceRow>> oneByOne, int budget, Candidates candidates, bool hidesSome = true)
    {
        _hidesSome = hidesSome;
        _db = db;
        _driver = driver;
        _candidates = candidates;
        _checked = oneByOne;
        _budget = budget;
    }

    /// <summary>What the walk takes its candidates from, which decides how its statements are planned (<see cref="Planned{T}"/>).</summary>
    private enum Candidates
    {
        /// <summary>The rows of a criterion, from an index whose order depends on the value (a date range, a code in any system).</summary>
        CriterionRows,

        /// <summary>The rows of a criterion from an index that gives them in row id order for any value (<see cref="Sql.WalkDriver.IsInRowIdOrder"/>).</summary>
        OrderedCriterionRows,

        /// <summary>The only criterion's rows, from an index in row id order: each candidate is a match unless the caller's access hides it.</summary>
        OnlyCriterionRows,

        /// <summary>The type's live rows.</summary>
        LiveRows,
    }

    /// <summary>
    /// The walk for this page, or null when the search is not of one type, is sorted, reads a
    /// <c>previous</c> page, has one criterion whose index does not give its rows in row id order
    /// (and it is not a chain), or has no criterion whose rows index rows give (<see cref="Sql.SearchQueryBuilder.Drivers"/>, chains included).
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

        var hasChain = criteria.Any(c => c is Parsing.ChainCriterion);
        if (criteria.Count == 1 && !hasChain)
        {
            // One criterion is walked when its index gives its rows in row id order for any value:
            // the page is then the first rows of that index, one statement with one plan. Any
            // other is left to the planner, which reads it from its own index for its values.
            return criteria[0] is Parsing.ValueCriterion value && Sql.SearchQueryBuilder.IsInRowIdOrder(value, baseUrl) &&
                builder.Drivers(type, criteria, baseUrl) is [{ } only]
                ? new RowIdWalk(db, only.RowIds.Distinct(), new(() => builder.CheckedOneByOne([type], [], baseUrl)), budget, Candidates.OnlyCriterionRows, builder.IsRestricted(type))
                : null;
        }

        var drivers = builder.Drivers(type, criteria, baseUrl);
        if (drivers.Count == 0)
        {
            return null;
        }

        Sql.WalkDriver? driver = null;
        var fewest = CriterionCounts.Ceiling;
        var firstWindow = FirstWindow(search.Count + 1, budget);
        foreach (var candidate in drivers)
        {
            // Counted only as far as the fewest so far: a broad date range is not read ten thousand
            // rows deep to lose to a subject's ten. A chain's rows are found again through its
            // targets at every window, a few probes apiece: it drives a walk only when it has fewer
            // rows than the budget, beyond which checking the type's live rows costs less.
            var upTo = candidate.IsChain ? Math.Min(fewest, budget) : fewest;
            var count = await counts.CountAsync(candidate, upTo, cancellationToken);
            if (count < upTo)
            {
                (driver, fewest) = (candidate, count);
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
        var oneByOne = new Lazy<IQueryable<ResourceRow>>(() => builder.CheckedOneByOne([type], criteria, baseUrl));
        return driver is null
            ? new RowIdWalk(db, builder.LiveRowIds(type), oneByOne, budget, Candidates.LiveRows)
            : new RowIdWalk(db, driver.RowIds.Distinct(), oneByOne, budget, driver.IsInRowIdOrder ? Candidates.OrderedCriterionRows : Candidates.CriterionRows);
    }

    public async Task<List<MatchedRow>> TakeAsync(Lazy<IQueryable<ResourceRow>> matches, SearchPageToken? page, int take, CancellationToken cancellationToken)
    {
        var after = page?.RowId ?? 0;
        if (_candidates == Candidates.OnlyCriterionRows)
        {
            return await TakeOnlyCriterionAsync(matches, after, take, cancellationToken);
        }

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
            if ((found.Count == 0 && _candidates != Candidates.LiveRows) || walked >= _budget)
            {
                found.AddRange(await PlannerRowIdsAsync(matches, after, take - found.Count, cancellationToken));
                break;
            }

            // That statement stops at the last match the page needs, so one window can take the rest of the budget.
            window = _budget - walked;
        }

        return await MatchedRow.ReadCurrentAsync(_db, found, cancellationToken);
    }

    /// <summary>
    /// The page of a search with one criterion read in row id order: its first rows after the
    /// token, each checked against the caller's access, the page's JSON read in the same statement.
    /// Where access may hide some, the first statement walks a first window and says, with a
    /// marker row, whether the criterion has rows beyond it: a page that is full, or a criterion
    /// that ends within the window (a patient's few Observations), takes one round trip. Only when
    /// the window gives too few does the walk go on, up to the budget, and then the planner finds
    /// the rest, after the last candidate walked (the caller's access hides most of them).
    /// </summary>
    private async Task<List<MatchedRow>> TakeOnlyCriterionAsync(Lazy<IQueryable<ResourceRow>> matches, long after, int take, CancellationToken cancellationToken)
    {
        // Index rows are those of current, live versions only: where the caller's access hides
        // nothing, every candidate is a match, and a short page means the criterion's rows have ended.
        var candidates = _driver.Where(id => id > after).OrderBy(id => id);
        if (!_hidesSome)
        {
            return await ReadAsync(candidates.Take(take), cancellationToken);
        }

        var window = FirstWindow(take, _budget);
        var first = await Planned(WithJson(Matching(candidates.Take(window)).Take(take))
            .Concat(candidates.Skip(window - 1).Take(1).Select(id => new WalkedRow { RowId = id, ResourceType = null, ResourceId = null, Json = null })))
            .ToListAsync(cancellationToken);
        var rows = first.Where(r => r.Json is not null).OrderBy(r => r.RowId).Select(r => r.Matched()).ToList();
        if (rows.Count == take || first.Find(r => r.Json is null) is not { } marker)
        {
            // A full page, or a criterion that ended within the window.
            return rows;
        }

        // The marker is the window's last candidate: the walk goes on after it up to the budget.
        // The marker and the rows came from one statement, so they agree.
        var walkedTo = marker.RowId;
        var length = _budget - window;
        if (length > 0)
        {
            var rest = _driver.Where(id => id > walkedTo).OrderBy(id => id);
            var more = await ReadAsync(Matching(rest.Take(length)).Take(take - rows.Count), cancellationToken);
            if (rows.Count + more.Count == take)
            {
                return [.. rows, .. more];
            }

            if (await Planned(rest.Skip(length - 1).Select(id => (long?)id)).FirstOrDefaultAsync(cancellationToken) is not { } last)
            {
                return [.. rows, .. more];
            }

            // The walk and the planner meet at a row id, not at a position: rows written or removed
            // since the last statement can then neither be skipped nor come twice.
            rows.AddRange(await ReadAsync(Matching(rest.Where(id => id <= last)).Take(take - rows.Count), cancellationToken));
            walkedTo = last;
        }

        var planned = await PlannerRowIdsAsync(matches, walkedTo, take - rows.Count, cancellationToken);
        rows.AddRange(await MatchedRow.ReadCurrentAsync(_db, planned, cancellationToken));
        return rows;
    }

    /// <summary>The current, live rows of <paramref name="page"/> with their JSON, in row id order.</summary>
    private Task<List<MatchedRow>> ReadAsync(IQueryable<long> page, CancellationToken cancellationToken) =>
        Planned(_db.Resources.Where(r => page.Contains(r.RowId) && r.IsCurrent && !r.IsDeleted).OrderBy(r => r.RowId)
            .Select(r => new MatchedRow(r.RowId, r.ResourceType, r.ResourceId, r.Json!))).ToListAsync(cancellationToken);

    /// <summary><see cref="ReadAsync"/> as rows a marker row can follow (<see cref="WalkedRow"/>).</summary>
    private IQueryable<WalkedRow> WithJson(IQueryable<long> page) =>
        _db.Resources.Where(r => page.Contains(r.RowId) && r.IsCurrent && !r.IsDeleted).OrderBy(r => r.RowId)
            .Select(r => new WalkedRow { RowId = r.RowId, ResourceType = r.ResourceType, ResourceId = r.ResourceId, Json = r.Json });

    /// <summary>The planner's statement for the rest of a page, after the last row walked.</summary>
    private static Task<List<long>> PlannerRowIdsAsync(Lazy<IQueryable<ResourceRow>> matches, long after, int take, CancellationToken cancellationToken) =>
        matches.Value.Where(r => r.RowId > after).OrderBy(r => r.RowId).Take(take).Select(r => r.RowId).ToListAsync(cancellationToken);

    private static int FirstWindow(int take, int budget) => Math.Min(Math.Max(take * 2, FirstWindowFloor), budget);

    /// <summary>The default order has no sort values: a page token holds the row id alone.</summary>
    public List<string?> KeysOf(long rowId) => [];

    /// <summary>
    /// A walk of a criterion's rows from an index whose order depends on the value is planned for
    /// its values: prepared generically, it walked an index in row id order past every other value.
    /// A walk of rows that an index gives in row id order has one good plan whatever the values
    /// (that index in order, each check a probe): planned once, since PostgreSQL, comparing it with
    /// plans for rare values, kept planning an identifier search anew at every execution (0.7–0.9 ms,
    /// seven times its running time). A walk of the live rows keeps the generic plan its prepared
    /// statement earns: planning the nested checks of a two-level chain took about 1 ms at every
    /// execution, twice their running time.
    /// </summary>
    private IQueryable<T> Planned<T>(IQueryable<T> query) => _candidates switch
    {
        Candidates.LiveRows => query,
        Candidates.CriterionRows => query.PlannedForItsValues(),
        _ => query.PlannedOnceForAnyValues(),
    };

    /// <summary>The candidates that match, in row id order: each checked on its own, as the walk reaches it.</summary>
    private IQueryable<long> Matching(IQueryable<long> candidates)
    {
        var oneByOne = _checked.Value;
        var fence = 0;
        return candidates.Where(id => oneByOne.Where(r => r.RowId == id).Skip(fence).Any()).OrderBy(id => id);
    }

    /// <summary>Every candidate, in row id order, with whether it matches.</summary>
    private IQueryable<Candidate> Flagged(IQueryable<long> candidates)
    {
        var oneByOne = _checked.Value;
        var fence = 0;
        return candidates.Select(id => new Candidate { RowId = id, IsMatch = oneByOne.Where(r => r.RowId == id).Skip(fence).Any() })
            .OrderBy(c => c.RowId);
    }

    /// <summary>A match with its JSON, or, without JSON, the marker of a walked window's last candidate.</summary>
    private sealed class WalkedRow
    {
        public long RowId { get; init; }

        public string? ResourceType { get; init; }

        public string? ResourceId { get; init; }

        public string? Json { get; init; }

        public MatchedRow Matched() => new(RowId, ResourceType!, ResourceId!, Json!);
    }

    private sealed class Candidate
    {
        public long RowId { get; init; }

        public bool IsMatch { get; init; }
    }
}
