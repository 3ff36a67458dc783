using FhirMh.FhirServer.Search.Parsing;
using Expr = System.Linq.Expressions.Expression<System.Func<FhirMh.FhirServer.Storage.ResourceRow, bool>>;

namespace FhirMh.FhirServer.Search.Sql;

/// <summary>
/// The parameters answered from the resource row's own columns rather than an index table:
/// <c>_id</c> and <c>_lastUpdated</c> (search.html#all).
/// </summary>
internal static class ResourceColumnPredicates
{
    /// <summary><c>_id</c>: the resource's own id, one of the values (<c>:not</c> none of them).</summary>
    public static Expr Id(ValueCriterion criterion)
    {
        var ids = criterion.Values.Select(v => v.Text).ToList();
        if (criterion.Modifier == "missing")
        {
            // Every resource has an id.
            return criterion.Values[0].Text == "true" ? r => false : r => true;
        }

        Expr matches = r => ids.Contains(r.ResourceId);
        return criterion.Modifier == "not" ? PredicateComposer.Not(matches) : matches;
    }

    /// <summary><c>_lastUpdated</c> with the date prefixes; <paramref name="now"/> widens <c>ap</c> as for any date.</summary>
    public static Expr LastUpdated(ValueCriterion criterion, Instant now)
    {
        if (criterion.Modifier == "missing")
        {
            return criterion.Values[0].Text == "true" ? r => false : r => true;
        }

        // The stored instant is a point: its range is [t, t] (search.html#date).
        return PredicateComposer.Or(criterion.Values.Select(v =>
        {
            var range = SearchValueCheck.Date(v, "_lastUpdated");
            var (start, end) = (range.Start, range.End);
            return v.Prefix switch
            {
                SearchPrefix.Eq => (Expr)(r => r.LastUpdated >= start && r.LastUpdated < end),
                SearchPrefix.Ne => r => r.LastUpdated < start || r.LastUpdated >= end,
                SearchPrefix.Gt or SearchPrefix.Sa => r => r.LastUpdated >= end,
                SearchPrefix.Lt or SearchPrefix.Eb => r => r.LastUpdated < start,
                SearchPrefix.Ge => r => r.LastUpdated >= start,
                SearchPrefix.Le => r => r.LastUpdated < end,
                _ => ValuePredicates.Approximately(range, now) is var (low, high) ? r => r.LastUpdated >= low && r.LastUpdated < high : null!,
            };
        }).ToList());
    }
}
