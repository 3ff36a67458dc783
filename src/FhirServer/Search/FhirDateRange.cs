using System.Globalization;
using System.Text.RegularExpressions;
using NodaTime;

namespace FhirMh.FhirServer.Search;

/// <summary>
/// A FHIR date, dateTime or instant as the range of instants it stands for at its precision
/// (search.html#date): <c>2020</c> is [2020-01-01, 2021-01-01), <c>2020-03-04T10:00Z</c> is one
/// minute. A value without a time zone is read as UTC both when indexed and when searched, so a
/// date is never shifted by the server's own zone.
/// </summary>
internal readonly partial record struct FhirDateRange(Instant Start, Instant End)
{
    /// <summary>Stands in for an open end of a Period; inside the range of both databases.</summary>
    public static readonly Instant Earliest = Instant.FromUtc(1, 1, 1, 0, 0);

    public static readonly Instant Latest = Instant.FromUtc(9999, 12, 31, 0, 0);

    public static bool TryParse(string? value, out FhirDateRange range)
    {
        range = default;
        var match = value is null ? Match.Empty : DatePattern().Match(value);
        if (!match.Success)
        {
            return false;
        }

        try
        {
            var year = Int(match.Groups["y"]);
            if (!match.Groups["m"].Success)
            {
                var startOfYear = new LocalDateTime(year, 1, 1, 0, 0);
                range = Utc(startOfYear, startOfYear.PlusYears(1));
                return true;
            }

            var month = Int(match.Groups["m"]);
            if (!match.Groups["d"].Success)
            {
                var startOfMonth = new LocalDateTime(year, month, 1, 0, 0);
                range = Utc(startOfMonth, startOfMonth.PlusMonths(1));
                return true;
            }

            var day = Int(match.Groups["d"]);
            if (!match.Groups["h"].Success)
            {
                var startOfDay = new LocalDateTime(year, month, day, 0, 0);
                range = Utc(startOfDay, startOfDay.PlusDays(1));
                return true;
            }

            var offset = Offset.Zero;
            if (match.Groups["z"].Success && match.Groups["z"].Value != "Z")
            {
                var z = match.Groups["z"].Value;
                var minutes = (Int(z[1..3]) * 60) + Int(z[4..6]);
                offset = Offset.FromSeconds((z[0] == '-' ? -minutes : minutes) * 60);
            }

            var local = new LocalDateTime(year, month, day, Int(match.Groups["h"]), Int(match.Groups["mi"]));
            Duration width;
            if (!match.Groups["s"].Success)
            {
                width = Duration.FromMinutes(1);
            }
            else
            {
                local = local.PlusSeconds(Int(match.Groups["s"]));
                var fraction = match.Groups["f"].Value;
                if (fraction.Length == 0)
                {
                    width = Duration.FromSeconds(1);
                }
                else
                {
                    // Ticks are 100 ns: precision beyond seven digits is kept as ticks.
                    var digits = Math.Min(fraction.Length, 7);
                    var ticks = long.Parse(fraction[..digits], CultureInfo.InvariantCulture) * (long)Math.Pow(10, 7 - digits);
                    local = local.PlusTicks(ticks);
                    width = Duration.FromTicks((long)Math.Pow(10, 7 - digits));
                }
            }

            var start = local.InZoneStrictly(DateTimeZone.ForOffset(offset)).ToInstant();
            range = new FhirDateRange(start, start + width);
            return true;
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or SkippedTimeException or AmbiguousTimeException)
        {
            return false;
        }
    }

    private static FhirDateRange Utc(LocalDateTime start, LocalDateTime end) =>
        new(start.InUtc().ToInstant(), end.InUtc().ToInstant());

    private static int Int(Group group) => Int(group.Value);

    private static int Int(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?<y>\d{4})(-(?<m>\d{2})(-(?<d>\d{2})(T(?<h>\d{2}):(?<mi>\d{2})(:(?<s>\d{2})(\.(?<f>\d+))?)?(?<z>Z|[+-]\d{2}:\d{2})?)?)?)?$")]
    private static partial Regex DatePattern();
}
