using System.Text;

namespace FhirMh.Registries.Matching;

/// <summary>
/// Normalisation of raw values: upper case, Latin diacritics folded to ASCII, punctuation to
/// spaces, whitespace collapsed. The server runs with invariant globalization, where
/// <see cref="string.Normalize()"/> does not decompose, so the Latin-1 and Latin Extended-A
/// letters are folded from a table here.
/// </summary>
internal static class TextNormalisation
{
    // Pairs of (accented letters, ASCII replacement); ligatures and ß map to two letters.
    private static readonly (string From, string To)[] Folds =
    [
        ("ÀÁÂÃÄÅĀĂĄàáâãäåāăą", "A"),
        ("ÇĆĈĊČçćĉċč", "C"),
        ("ĎĐďđÐð", "D"),
        ("ÈÉÊËĒĔĖĘĚèéêëēĕėęě", "E"),
        ("ĜĞĠĢĝğġģ", "G"),
        ("ĤĦĥħ", "H"),
        ("ÌÍÎÏĨĪĬĮİìíîïĩīĭįı", "I"),
        ("Ĵĵ", "J"),
        ("Ķķĸ", "K"),
        ("ĹĻĽĿŁĺļľŀł", "L"),
        ("ÑŃŅŇŊñńņňŉŋ", "N"),
        ("ÒÓÔÕÖØŌŎŐòóôõöøōŏő", "O"),
        ("ŔŖŘŕŗř", "R"),
        ("ŚŜŞŠśŝşšſ", "S"),
        ("ŢŤŦţťŧ", "T"),
        ("ÙÚÛÜŨŪŬŮŰŲùúûüũūŭůűų", "U"),
        ("Ŵŵ", "W"),
        ("ÝŸŶýÿŷ", "Y"),
        ("ŹŻŽźżž", "Z"),
        ("Ææ", "AE"),
        ("Œœ", "OE"),
        ("ß", "SS"),
        ("Þþ", "TH"),
        ("Ĳĳ", "IJ"),
    ];

    private static readonly Dictionary<char, string> FoldMap = Folds
        .SelectMany(f => f.From.Select(c => (c, f.To)))
        .ToDictionary(p => p.c, p => p.To);

    /// <summary>Upper-case letters and digits separated by single spaces; everything else is a separator.</summary>
    public static string Normalise(string raw) => Normalise(raw, dropApostrophes: false);

    /// <summary>As <see cref="Normalise(string)"/>, but apostrophes join (O'Brien becomes OBRIEN, not O BRIEN).</summary>
    public static string NormaliseName(string raw) => Normalise(raw, dropApostrophes: true);

    /// <summary>Only the ASCII digits of the value.</summary>
    public static string Digits(string raw) => string.Concat(raw.Where(char.IsAsciiDigit));

    private static string Normalise(string raw, bool dropApostrophes)
    {
        var builder = new StringBuilder(raw.Length);
        var pendingSpace = false;
        foreach (var c in raw)
        {
            if (dropApostrophes && c is '\'' or '\u2019' or '`')
            {
                continue;
            }

            string? letters = null;
            if (char.IsAsciiLetterOrDigit(c))
            {
                letters = char.ToUpperInvariant(c).ToString();
            }
            else if (FoldMap.TryGetValue(c, out var folded))
            {
                letters = folded;
            }
            else if (char.IsLetterOrDigit(c))
            {
                letters = char.ToUpperInvariant(c).ToString();
            }

            if (letters is null)
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(letters);
        }

        return builder.ToString();
    }
}
