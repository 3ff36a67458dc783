using System.Globalization;
using System.Linq.Expressions;
using FhirMh.FhirServer.Search.Indexing;
using FhirMh.FhirServer.Search.Parsing;
using SortKey = FhirMh.FhirServer.Search.Parsing.SortKey;
using FhirMh.FhirServer.Search.Sql;
using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Search.Paging;

/// <summary>
/// A page of a <c>near</c> search in distance order, read from the positions within the radius
/// nearest first rather than by ranking every match: when every match lies within the radius
/// (<see cref="Parsing.SortKey.IsEveryMatchWithinRadius"/>), those positions hold all of them in page
/// order, so a batch of the nearest candidates is checked against the other criteria and only
/// when too few pass is the next, larger batch read. A page of 20 among 2,000 Locations within
/// 20 km then reads about 40 resources instead of all 2,000. The order, the page tokens and the
/// distances are those of <see cref="SortOrder"/>: the squared chord, then the row id.
/// </summary>
internal sealed class NearestFirst : IIndexOrderedPage
{
    private const int FirstBatchFloor = 32;
    private const int Growth = 4;

    /// <summary>
    /// The largest batch: its row ids go to the database as parameters, and SQLite takes at most
    /// 32,766 of them in one statement.
    /// </summary>
    private const int BatchCeiling = 8_192;

    private readonly FhirDbContext _db;
    private readonly IQueryable<NearCandidate> _candidates;
    private readonly Dictionary<long, double> _chords = [];

    private NearestFirst(FhirDbContext db, string type, SortKey key, NearValue near)
    {
        _db = db;
        var chord = SpecialPredicates.ChordSquared(near);
        var position = chord.Parameters[0];
        var candidate = Expression.Lambda<Func<PositionIndexRow, NearCandidate>>(
            Expression.MemberInit(
                Expression.New(typeof(NearCandidate)),
                Expression.Bind(typeof(NearCandidate).GetProperty(nameof(NearCandidate.RowId))!, Expression.Property(position, nameof(PositionIndexRow.RowId))),
                Expression.Bind(typeof(NearCandidate).GetProperty(nameof(NearCandidate.Chord))!, chord.Body)),
            position);

        // A resource with several positions is as near as the nearest of them (SortOrder's key).
        _candidates = db.PositionIndex.OfParameter(type, key.Parameter.Code)
            .Where(SpecialPredicates.Near(near))
            .Select(candidate)
            .GroupBy(c => c.RowId)
            .Select(g => new NearCandidate { RowId = g.Key, Chord = g.Min(c => c.Chord) });
    }

    /// <summary>The reader for this search, or null when its order is not the distance from one point every match is near.</summary>
    public static NearestFirst? For(FhirDbContext db, string? type, IReadOnlyList<SortKey> sort) =>
        type is not null && sort is [{ Near: { } near, IsEveryMatchWithinRadius: true } key] ? new NearestFirst(db, type, key, near) : null;

    /// <summary>
    /// Up to <paramref name="take"/> matches after (or, for a <c>previous</c> page, before) the
    /// token's boundary, in the order they are met: nearest first, or farthest first going back.
    /// </summary>
    public async Task<List<MatchedRow>> TakeAsync(Lazy<IQueryable<ResourceRow>> matches, SearchPageToken? page, int take, CancellationToken cancellationToken)
    {
        var isBefore = page is { IsBefore: true };
        (double Chord, long RowId)? boundary = page is null ? null : (ParseChord(page), page.RowId);
        var found = new List<long>(take);
        var batch = Math.Min(Math.Max(take * 2, FirstBatchFloor), BatchCeiling);
        while (found.Count < take)
        {
            var candidates = await Beyond(boundary, isBefore).Take(batch).ToListAsync(cancellationToken);
            if (candidates.Count == 0)
            {
                break;
            }

            var ids = candidates.Select(c => c.RowId).ToList();
            var matched = (await matches.Value.Where(r => ids.Contains(r.RowId)).Select(r => r.RowId).ToListAsync(cancellationToken)).ToHashSet();
            foreach (var c in candidates.Where(c => matched.Contains(c.RowId)).Take(take - found.Count))
            {
                found.Add(c.RowId);
                _chords[c.RowId] = c.Chord;
            }

            if (candidates.Count < batch)
            {
                break;
            }

            boundary = (candidates[^1].Chord, candidates[^1].RowId);
            batch = Math.Min(batch * Growth, BatchCeiling);
        }

        return await MatchedRow.ReadCurrentAsync(_db, found, cancellationToken);
    }

    /// <summary>The sort key of a row of the last page, as <see cref="SortOrder"/> writes it into page tokens.</summary>
    public List<string?> KeysOf(long rowId) => [_chords[rowId].ToString("R", CultureInfo.InvariantCulture)];

    /// <summary>The distance in kilometres of each row of the last page, to the metre.</summary>
    public Dictionary<long, double?> Distances() =>
        _chords.ToDictionary(c => c.Key, c => (double?)Math.Round(Geo.Kilometres(c.Value), 3));

    private IQueryable<NearCandidate> Beyond((double Chord, long RowId)? boundary, bool isBefore)
    {
        var candidates = _candidates;
        if (boundary is var (chord, rowId))
        {
            candidates = isBefore
                ? candidates.Where(c => c.Chord < chord || (c.Chord == chord && c.RowId < rowId))
                : candidates.Where(c => c.Chord > chord || (c.Chord == chord && c.RowId > rowId));
        }

        var ordered = isBefore
            ? candidates.OrderByDescending(c => c.Chord).ThenByDescending(c => c.RowId)
            : candidates.OrderBy(c => c.Chord).ThenBy(c => c.RowId);
        return ordered.PlannedForItsValues();
    }

    private static double ParseChord(SearchPageToken page) =>
        page.Keys is [{ } key] && double.TryParse(key, NumberStyles.Float, CultureInfo.InvariantCulture, out var chord)
            ? chord
            : throw Rest.FhirException.BadRequest("The page link does not belong to this search; start from the first page.", "_page");

    private sealed class NearCandidate
    {
        public long RowId { get; init; }

        public double Chord { get; init; }
    }
}
