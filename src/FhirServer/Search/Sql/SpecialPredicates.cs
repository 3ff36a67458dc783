using System.Linq.Expressions;
using FhirMh.FhirServer.Search.Indexing;
using FhirMh.FhirServer.Search.Parsing;
using NodaTime;

namespace FhirMh.FhirServer.Search.Sql;

/// <summary>
/// What the special parameters (search.html#special) match, over their own index rows:
/// <c>near</c> by great-circle radius, <c>open-at</c> and <c>in-effect</c> by schedule.
/// </summary>
internal static class SpecialPredicates
{
    /// <summary>
    /// Within the radius of the point. The band of latitudes the radius spans narrows on the
    /// index first; the squared chord (<see cref="Geo"/>) then decides exactly.
    /// </summary>
    public static Expression<Func<PositionIndexRow, bool>> Near(NearValue near)
    {
        var band = Geo.LatitudeDegrees(near.Kilometres);
        var (low, high) = (near.Latitude - band, near.Latitude + band);
        var (x0, y0, z0) = Geo.UnitVector(near.Latitude, near.Longitude);
        var limit = Geo.ChordSquared(near.Kilometres);
        return x => x.Latitude >= low && x.Latitude <= high &&
            ((x.X - x0) * (x.X - x0)) + ((x.Y - y0) * (x.Y - y0)) + ((x.Z - z0) * (x.Z - z0)) <= limit;
    }

    /// <summary>
    /// The squared chord from the point to the position: it grows with the distance along the
    /// surface (<see cref="Geo"/>), so it orders alike and needs no trigonometry in SQL.
    /// </summary>
    public static Expression<Func<PositionIndexRow, double>> ChordSquared(NearValue near)
    {
        var (x0, y0, z0) = Geo.UnitVector(near.Latitude, near.Longitude);
        return x => ((x.X - x0) * (x.X - x0)) + ((x.Y - y0) * (x.Y - y0)) + ((x.Z - z0) * (x.Z - z0));
    }

    /// <summary>Opening hours on the wall-clock day and minute.</summary>
    public static Expression<Func<ScheduleIndexRow, bool>> OpenAt(ZonedDateTime at)
    {
        var day = (int)at.DayOfWeek;
        var minute = (at.Hour * 60) + at.Minute;
        return x => x.Kind == ScheduleKind.Hours && x.Day == day && x.StartMinute <= minute && x.EndMinute > minute;
    }

    /// <summary>
    /// What rules the resource out over <paramref name="range"/>: a period it is in effect that does
    /// not reach into the range, or a notAvailable period that covers all of it.
    /// </summary>
    public static Expression<Func<ScheduleIndexRow, bool>> NotInEffect(FhirDateRange range)
    {
        var (start, end) = (range.Start, range.End);
        return x => (x.Kind == ScheduleKind.Period && (x.To <= start || x.From >= end)) ||
            (x.Kind == ScheduleKind.Closed && x.From <= start && x.To >= end);
    }
}
