using FhirMh.FhirServer.Search.Parameters;
using Hl7.Fhir.Model;
using NodaTime.Text;

namespace FhirMh.FhirServer.Search.Indexing;

/// <summary>
/// Index rows of the special parameters (<see cref="SpecialSearch"/>), read from the resource's
/// elements directly: Location.position for <c>near</c>; availableTime, notAvailable and (for
/// PractitionerRole) period for <c>open-at</c> and <c>in-effect</c>.
/// </summary>
internal static class SpecialIndexing
{
    private static readonly LocalTimePattern TimePattern = LocalTimePattern.CreateWithInvariantCulture("HH':'mm':'ss.FFFFFFFFF");

    public static void Add(Resource resource, SearchParameterDefinition definition, List<IndexRow> rows)
    {
        switch (definition.Special, resource)
        {
            case (SpecialSearch.Near, Location { Position: { Latitude: { } latitude, Longitude: { } longitude } }):
                if (Geo.IsValid((double)latitude, (double)longitude))
                {
                    var (x, y, z) = Geo.UnitVector((double)latitude, (double)longitude);
                    rows.Add(new PositionIndexRow
                    {
                        ResourceType = resource.TypeName,
                        Param = definition.Code,
                        Latitude = (double)latitude,
                        Longitude = (double)longitude,
                        X = x,
                        Y = y,
                        Z = z,
                    });
                }

                break;
            case (SpecialSearch.OpenAt or SpecialSearch.InEffect, HealthcareService service):
                AddSchedule(rows, resource.TypeName, definition, service.AvailableTime.Select(a => (a.DaysOfWeek, a.AllDay, a.AvailableStartTime, a.AvailableEndTime)), service.NotAvailable.Select(n => n.During), period: null);
                break;
            case (SpecialSearch.OpenAt or SpecialSearch.InEffect, PractitionerRole role):
                AddSchedule(rows, resource.TypeName, definition, role.AvailableTime.Select(a => (a.DaysOfWeek, a.AllDay, a.AvailableStartTime, a.AvailableEndTime)), role.NotAvailable.Select(n => n.During), role.Period);
                break;
            default:
                break;
        }
    }

    private static void AddSchedule(
        List<IndexRow> rows,
        string type,
        SearchParameterDefinition definition,
        IEnumerable<(IEnumerable<DaysOfWeek?> Days, bool? AllDay, string? Start, string? End)> hours,
        IEnumerable<Period?> closed,
        Period? period)
    {
        var ordinal = 0;
        void Row(ScheduleKind kind, int day, int start, int end, FhirDateRange range) => rows.Add(new ScheduleIndexRow
        {
            ResourceType = type,
            Param = definition.Code,
            Ordinal = ordinal++,
            Kind = kind,
            Day = day,
            StartMinute = start,
            EndMinute = end,
            From = range.Start,
            To = range.End,
        });

        var always = new FhirDateRange(FhirDateRange.Earliest, FhirDateRange.Latest);
        if (definition.Special == SpecialSearch.OpenAt)
        {
            foreach (var (days, allDay, start, end) in hours)
            {
                var (from, to) = allDay == true ? (0, 1440) : (Minute(start) ?? 0, Minute(end) ?? 1440);
                var isoDays = days.OfType<DaysOfWeek>().Select(IsoDay).ToList();

                // availableTime without daysOfWeek applies to every day (R4 leaves it open; a
                // time without days is otherwise meaningless).
                foreach (var day in isoDays.Count == 0 ? Enumerable.Range(1, 7) : isoDays.Distinct())
                {
                    if (to > from)
                    {
                        Row(ScheduleKind.Hours, day, from, to, always);
                    }
                    else if (to < from)
                    {
                        // Past midnight (22:00 to 02:00): the rest of this day and the start of the next.
                        Row(ScheduleKind.Hours, day, from, 1440, always);
                        Row(ScheduleKind.Hours, (day % 7) + 1, 0, to, always);
                    }
                }
            }
        }

        foreach (var during in closed)
        {
            if (during is not null && Range(during) is { } range)
            {
                Row(ScheduleKind.Closed, 0, 0, 0, range);
            }
        }

        if (period is not null && Range(period) is { } effective)
        {
            Row(ScheduleKind.Period, 0, 0, 0, effective);
        }
    }

    /// <summary>A Period as [start, end): an open side reaches Earliest or Latest; the end's whole precision is included.</summary>
    private static FhirDateRange? Range(Period period)
    {
        var hasStart = FhirDateRange.TryParse(period.Start, out var start);
        var hasEnd = FhirDateRange.TryParse(period.End, out var end);
        return hasStart || hasEnd
            ? new FhirDateRange(hasStart ? start.Start : FhirDateRange.Earliest, hasEnd ? end.End : FhirDateRange.Latest)
            : null;
    }

    private static int? Minute(string? time) =>
        time is not null && TimePattern.Parse(time) is { Success: true } parsed ? (parsed.Value.Hour * 60) + parsed.Value.Minute : null;

    private static int IsoDay(DaysOfWeek day) => day switch
    {
        DaysOfWeek.Mon => 1,
        DaysOfWeek.Tue => 2,
        DaysOfWeek.Wed => 3,
        DaysOfWeek.Thu => 4,
        DaysOfWeek.Fri => 5,
        DaysOfWeek.Sat => 6,
        _ => 7,
    };
}
