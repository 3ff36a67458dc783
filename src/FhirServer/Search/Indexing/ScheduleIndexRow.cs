namespace FhirMh.FhirServer.Search.Indexing;

/// <summary>
/// One piece of when a HealthcareService or PractitionerRole can be used, for <c>open-at</c> and
/// <c>in-effect</c>: weekly opening hours (availableTime, wall-clock minutes of one day), a
/// period it is closed (notAvailable.during), or the period a role is in effect (PractitionerRole.period).
/// </summary>
internal sealed class ScheduleIndexRow : IndexRow
{
    public ScheduleKind Kind { get; set; }

    /// <summary>ISO day of the week, 1 (Monday) to 7 (Sunday), for <see cref="ScheduleKind.Hours"/>; 0 otherwise.</summary>
    public int Day { get; set; }

    /// <summary>Minute of the day the hours start, inclusive.</summary>
    public int StartMinute { get; set; }

    /// <summary>Minute of the day the hours end, exclusive; 1440 for the end of the day.</summary>
    public int EndMinute { get; set; }

    /// <summary>Start of a closed or in-effect period, inclusive; <see cref="FhirDateRange.Earliest"/> when open.</summary>
    public Instant From { get; set; }

    /// <summary>End of a closed or in-effect period, exclusive; <see cref="FhirDateRange.Latest"/> when open.</summary>
    public Instant To { get; set; }
}

/// <summary>What a <see cref="ScheduleIndexRow"/> says.</summary>
internal enum ScheduleKind
{
    /// <summary>Open on <see cref="ScheduleIndexRow.Day"/> between the minutes.</summary>
    Hours = 0,

    /// <summary>Not available between <see cref="ScheduleIndexRow.From"/> and <see cref="ScheduleIndexRow.To"/>.</summary>
    Closed = 1,

    /// <summary>In effect only between <see cref="ScheduleIndexRow.From"/> and <see cref="ScheduleIndexRow.To"/>.</summary>
    Period = 2,
}
