using System.Collections.Concurrent;
using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace FhirMh.FhirServer.Search.Paging;

/// <summary>
/// How many resources each search criterion matched when last counted, kept for a minute: the
/// criterion <see cref="RowIdWalk"/> walks is the one with the fewest. The counts only choose an
/// order of work; a stale one makes a page slower, never different. PostgreSQL's own estimates
/// are no guide here: it divides a criterion's rows by every row of the table, whatever the type,
/// and expected about 6 services from a chain that matched 4,564.
/// </summary>
internal sealed class CriterionCounts(IClock clock)
{
    /// <summary>
    /// Counting stops here, so that a count costs at most this many index rows: a walk does not
    /// start from a criterion with more rows (<see cref="RowIdWalk"/>).
    /// </summary>
    public const int Ceiling = 10_000;

    private const int MostKept = 10_000;

    private static readonly Duration Lifetime = Duration.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (int Count, bool IsAtLeast, Instant Until)> _counts = new(StringComparer.Ordinal);

    /// <summary>
    /// The resources the criterion of <paramref name="driver"/> matches, or <paramref name="upTo"/>
    /// (at most <see cref="Ceiling"/>) when it matches that many or more. A chain's row ids are
    /// counted each time they come: the statement can then stop at the cap as rows come, where
    /// removing repeats from rows that do not come in row id order (a chain's, found through its
    /// targets) first gathers all of them, 2.5 s for the Observations of the Patients of one
    /// Organization in 1.1 million. Rows an index gives in row id order for any value are counted
    /// by one plan for every value, the index read up to the cap.
    /// </summary>
    public async Task<int> CountAsync(Sql.WalkDriver driver, int upTo, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var cap = Math.Min(upTo, Ceiling);
        if (_counts.TryGetValue(driver.Key, out var kept) && kept.Until > now && (!kept.IsAtLeast || cap <= kept.Count))
        {
            return Math.Min(kept.Count, cap);
        }

        var counted = (driver.IsChain ? driver.RowIds : driver.RowIds.Distinct()).Take(cap);
        var count = await (driver.IsInRowIdOrder ? counted.PlannedOnceForAnyValues() : counted.PlannedForItsValues()).CountAsync(cancellationToken);
        if (_counts.Count >= MostKept)
        {
            // Searches on ever new values (identifiers) would otherwise grow this without end.
            _counts.Clear();
        }

        // A count that reached its cap says "at least": enough for any later cap up to it.
        _counts[driver.Key] = (count, count == cap, now + Lifetime);
        return count;
    }
}
