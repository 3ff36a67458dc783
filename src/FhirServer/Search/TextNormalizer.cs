using System.Text;

namespace FhirMh.FhirServer.Search;

/// <summary>
/// Folds strings for default string matching, which "is case- and accent-insensitive"
/// (search.html#string): lower case, Latin letters with diacritics to their base letter, and
/// combining marks dropped. The table is explicit because the server runs with invariant
/// globalization, where Unicode decomposition is not available.
/// </summary>
internal static class TextNormalizer
{
    /// <summary>Longer values are cut: a search value is a prefix, and index keys must stay small.</summary>
    public const int MaxLength = 256;

    private const string Accented = "àáâãäåāăąǎçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňŉòóôõöøōŏőǒŕŗřśŝşšșţťŧțùúûüũūŭůűųǔŵýÿŷźżž";
    private const string Plain = "aaaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnnoooooooooorrrsssssttttuuuuuuuuuuuwyyyzzz";

    private static readonly Dictionary<char, string> Ligatures = new()
    {
        ['ß'] = "ss", ['æ'] = "ae", ['œ'] = "oe", ['þ'] = "th", ['ð'] = "d",
    };

    public static string Fold(string value)
    {
        var folded = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            var lower = char.ToLowerInvariant(c);
            if (lower is >= '\u0300' and <= '\u036f')
            {
                continue; // A combining diacritical mark.
            }

            var index = lower < '\u00c0' ? -1 : Accented.IndexOf(lower, StringComparison.Ordinal);
            if (index >= 0)
            {
                folded.Append(Plain[index]);
            }
            else if (Ligatures.TryGetValue(lower, out var replacement))
            {
                folded.Append(replacement);
            }
            else
            {
                folded.Append(lower);
            }
        }

        return folded.Length > MaxLength ? folded.ToString(0, MaxLength) : folded.ToString();
    }
}
