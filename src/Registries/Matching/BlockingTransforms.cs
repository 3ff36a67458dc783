namespace FhirMh.Registries.Matching;

/// <summary>The transforms of <see cref="BlockingKey.Transform"/>.</summary>
internal static class BlockingTransforms
{
    public const string Exact = "exact";
    public const string Soundex = "soundex";
    public const string Nysiis = "nysiis";
    public const string Initial = "initial";
    public const string Year = "year";
    public const string Digits = "digits";
    public const string Last = "last";

    public static readonly IReadOnlyList<string> All = [Exact, Soundex, Nysiis, Initial, Year, Digits, Last];

    public static string Apply(BlockingKey key, string normalised) => key.Transform switch
    {
        Soundex => Phonetics.Soundex(normalised),
        Nysiis => Phonetics.Nysiis(normalised),
        Initial => FirstLetter(normalised),
        Year => normalised.Length >= 4 && normalised.Take(4).All(char.IsAsciiDigit) ? normalised[..4] : string.Empty,
        Digits => OnlyDigits(normalised),
        Last => LastDigits(normalised, key.Length ?? 0),
        _ => normalised,
    };

    private static string FirstLetter(string value)
    {
        foreach (var c in value)
        {
            if (char.IsAsciiLetter(c))
            {
                return c.ToString();
            }
        }

        return string.Empty;
    }

    private static string OnlyDigits(string value) => string.Concat(value.Where(char.IsAsciiDigit));

    private static string LastDigits(string value, int length)
    {
        var digits = OnlyDigits(value);
        return digits.Length <= length ? digits : digits[^length..];
    }
}
