namespace FhirMh.Registries.Matching;

/// <summary>
/// Dates for the <c>date</c> comparator, kept as digit strings of 4 (YYYY), 6 (YYYYMM) or 8
/// (YYYYMMDD) characters so that typing errors stay visible digit by digit.
/// </summary>
internal static class DateValue
{
    /// <summary>YYYY, YYYY-MM, YYYY-MM-DD (a FHIR date or the date part of a dateTime), YYYYMM or YYYYMMDD to digits; anything else to "".</summary>
    public static string Normalise(string raw)
    {
        var text = raw.Trim();
        var t = text.IndexOf('T', StringComparison.Ordinal);
        if (t >= 0)
        {
            text = text[..t];
        }

        if (text.Contains('-', StringComparison.Ordinal) || text.Contains('/', StringComparison.Ordinal))
        {
            var parts = text.Split('-', '/');
            if (parts.Length > 3 || parts[0].Length != 4 || !parts.All(p => p.Length is 1 or 2 or 4 && p.All(char.IsAsciiDigit)))
            {
                return string.Empty;
            }

            return parts[0] + string.Concat(parts.Skip(1).Select(p => p.PadLeft(2, '0')));
        }

        return text.Length is 4 or 6 or 8 && text.All(char.IsAsciiDigit) ? text : string.Empty;
    }

    /// <summary>Whether two normalised dates reach the level kind.</summary>
    public static bool Reaches(string kind, string a, string b) => kind switch
    {
        Comparators.ExactKind => a.Length == 8 && a == b,
        Comparators.DayMonthSwap => a.Length == 8 && b.Length == 8 && a[..4] == b[..4]
            && a.Substring(4, 2) == b.Substring(6, 2) && a.Substring(6, 2) == b.Substring(4, 2) && a != b,
        Comparators.OneDigitTypo => a.Length == b.Length && a.Length >= 6 && StringSimilarity.IsOneTypo(a, b),
        Comparators.YearOnly => (a.Length < 8 || b.Length < 8) && a[..4] == b[..4]
            && (a.Length == 4 || b.Length == 4 || a[..6] == b[..6]),
        Comparators.SameYear => a[..4] == b[..4],
        Comparators.YearWithinOne => Math.Abs(Year(a) - Year(b)) <= 1,
        _ => false,
    };

    private static int Year(string value) =>
        ((value[0] - '0') * 1000) + ((value[1] - '0') * 100) + ((value[2] - '0') * 10) + (value[3] - '0');
}
