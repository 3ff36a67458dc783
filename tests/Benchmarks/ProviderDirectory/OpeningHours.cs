namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>
/// One <c>availableTime</c> of a HealthcareService or PractitionerRole
/// (https://hl7.org/fhir/R4/healthcareservice-definitions.html#HealthcareService.availableTime):
/// the days it applies to and either all day or local opening and closing times.
/// </summary>
internal sealed record OpeningHours(IReadOnlyList<DayOfWeek> Days, TimeOnly? Opens, TimeOnly? Closes)
{
    public bool IsAllDay => Opens is null;

    /// <summary>FHIR's days-of-week codes (https://hl7.org/fhir/R4/valueset-days-of-week.html).</summary>
    public static string DayCode(DayOfWeek day) => day switch
    {
        DayOfWeek.Monday => "mon",
        DayOfWeek.Tuesday => "tue",
        DayOfWeek.Wednesday => "wed",
        DayOfWeek.Thursday => "thu",
        DayOfWeek.Friday => "fri",
        DayOfWeek.Saturday => "sat",
        _ => "sun",
    };

    /// <summary>
    /// Whether a visit at the local date and time <paramref name="at"/> falls in these hours; the
    /// closing time is the first minute closed.
    /// </summary>
    public bool Covers(DateTime at)
    {
        if (!Days.Contains(at.DayOfWeek))
        {
            return false;
        }

        var time = TimeOnly.FromDateTime(at);
        return IsAllDay || (time >= Opens!.Value && time < Closes!.Value);
    }
}
