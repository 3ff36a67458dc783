namespace FhirMh.Registries.Matching;

/// <summary>The comparator names of <see cref="FieldRule.Comparator"/> and the level kinds each accepts.</summary>
internal static class Comparators
{
    public const string Exact = "exact";
    public const string Name = "name";
    public const string Date = "date";
    public const string Phone = "phone";
    public const string Identifier = "identifier";
    public const string Text = "text";

    public const string Levenshtein = "levenshtein";
    public const string JaroWinkler = "jaroWinkler";
    public const string DamerauLevenshtein = "damerauLevenshtein";

    public const string ExactKind = "exact";
    public const string DayMonthSwap = "dayMonthSwap";
    public const string OneDigitTypo = "oneDigitTypo";
    public const string SameYear = "sameYear";
    public const string YearOnly = "yearOnly";
    public const string YearWithinOne = "yearWithinOne";
    public const string Typo = "typo";

    public const int DefaultPhoneDigits = 8;

    public static readonly IReadOnlyList<string> All = [Exact, Name, Date, Phone, Identifier, Text];
    public static readonly IReadOnlyList<string> Measures = [Levenshtein, JaroWinkler, DamerauLevenshtein];

    private static readonly IReadOnlyList<string> DateKinds = [ExactKind, DayMonthSwap, OneDigitTypo, SameYear, YearOnly, YearWithinOne];
    private static readonly IReadOnlyList<string> PhoneKinds = [ExactKind, OneDigitTypo];
    private static readonly IReadOnlyList<string> IdentifierKinds = [ExactKind, Typo];

    public static bool UsesMinimum(string comparator) => comparator is Name or Text;

    public static IReadOnlyList<string> Kinds(string comparator) => comparator switch
    {
        Date => DateKinds,
        Phone => PhoneKinds,
        Identifier => IdentifierKinds,
        _ => [],
    };
}
