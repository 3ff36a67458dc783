using FhirMh.FhirServer.Rest;
using NodaTime;
using NodaTime.Text;

namespace FhirMh.FhirServer.Search.Parsing;

/// <summary>
/// A value of <c>open-at</c>: a dateTime to the minute or finer. Opening hours (availableTime) are
/// wall-clock times of the directory's time zone (<c>Search:TimeZone</c>): a value without an offset
/// is such a wall-clock time; one with an offset is an instant, converted to that zone.
/// </summary>
internal static class WallClockValue
{
    /// <summary>With seconds (and any fraction) or to the minute; NodaTime patterns have no optional parts.</summary>
    private static readonly LocalDateTimePattern[] Local =
    [
        LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFFF"),
        LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm"),
    ];

    private static readonly OffsetDateTimePattern[] WithOffset =
    [
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFFFo<G>"),
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mmo<G>"),
    ];

    public static ZonedDateTime Parse(SearchValue value, string key, DateTimeZone zone)
    {
        foreach (var pattern in Local)
        {
            if (pattern.Parse(value.Text) is { Success: true } local)
            {
                return local.Value.InZoneLeniently(zone);
            }
        }

        foreach (var pattern in WithOffset)
        {
            if (pattern.Parse(value.Text) is { Success: true } instant)
            {
                return instant.Value.ToInstant().InZone(zone);
            }
        }

        throw FhirException.BadRequest(
            $"'{value.Text}' in '{key}' is not a date and time, e.g. 2026-11-26T14:30 (the directory's local time) or 2026-11-26T14:30:00+01:00.", key);
    }
}
