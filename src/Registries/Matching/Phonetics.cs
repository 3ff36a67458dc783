using System.Text;

namespace FhirMh.Registries.Matching;

/// <summary>
/// Phonetic codes for blocking. Both take an upper-case normalised value and ignore everything
/// but the letters A-Z; an input without letters gives the empty string.
/// </summary>
internal static class Phonetics
{
    /// <summary>
    /// American Soundex as described by the US National Archives ("The Soundex Indexing System",
    /// 2007): first letter kept, H and W do not separate letters with the same code, vowels do;
    /// padded or cut to four characters.
    /// </summary>
    public static string Soundex(string value)
    {
        var letters = Letters(value);
        if (letters.Length == 0)
        {
            return string.Empty;
        }

        var code = new StringBuilder(4);
        code.Append(letters[0]);
        var previous = SoundexDigit(letters[0]);
        for (var i = 1; i < letters.Length && code.Length < 4; i++)
        {
            var c = letters[i];
            if (c is 'H' or 'W')
            {
                continue;
            }

            var digit = SoundexDigit(c);
            if (digit != '0' && digit != previous)
            {
                code.Append(digit);
            }

            previous = digit;
        }

        return code.ToString().PadRight(4, '0');
    }

    /// <summary>
    /// NYSIIS (New York State Identification and Intelligence System, Taft 1970), original
    /// algorithm with the key cut to six characters. Chosen over Soundex for the name pass
    /// because it keeps vowel positions and codes the first letter phonetically (KN, PH, MAC).
    /// </summary>
    public static string Nysiis(string value)
    {
        var name = Letters(value);
        if (name.Length == 0)
        {
            return string.Empty;
        }

        var s = new StringBuilder(name);
        ReplaceStart(s, "MAC", "MCC");
        ReplaceStart(s, "KN", "NN");
        ReplaceStart(s, "K", "C");
        ReplaceStart(s, "PH", "FF");
        ReplaceStart(s, "PF", "FF");
        ReplaceStart(s, "SCH", "SSS");
        ReplaceEnd(s, "EE", "Y");
        ReplaceEnd(s, "IE", "Y");
        foreach (var ending in (string[])["DT", "RT", "RD", "NT", "ND"])
        {
            ReplaceEnd(s, ending, "D");
        }

        var key = new StringBuilder();
        key.Append(s[0]);
        for (var i = 1; i < s.Length; i++)
        {
            var c = s[i];
            if (c == 'E' && i + 1 < s.Length && s[i + 1] == 'V')
            {
                s[i] = 'A';
                s[i + 1] = 'F';
            }
            else if (IsVowel(c))
            {
                s[i] = 'A';
            }
            else if (c == 'Q')
            {
                s[i] = 'G';
            }
            else if (c == 'Z')
            {
                s[i] = 'S';
            }
            else if (c == 'M')
            {
                s[i] = 'N';
            }
            else if (c == 'K')
            {
                s[i] = i + 1 < s.Length && s[i + 1] == 'N' ? 'N' : 'C';
            }
            else if (c == 'S' && i + 2 < s.Length && s[i + 1] == 'C' && s[i + 2] == 'H')
            {
                s[i + 1] = 'S';
                s[i + 2] = 'S';
            }
            else if (c == 'P' && i + 1 < s.Length && s[i + 1] == 'H')
            {
                s[i] = 'F';
                s[i + 1] = 'F';
            }
            else if (c == 'H' && (!IsVowel(s[i - 1]) || i + 1 >= s.Length || !IsVowel(s[i + 1])))
            {
                s[i] = s[i - 1];
            }
            else if (c == 'W' && IsVowel(s[i - 1]))
            {
                s[i] = s[i - 1];
            }

            if (s[i] != key[^1])
            {
                key.Append(s[i]);
            }
        }

        if (key.Length > 1 && key[^1] == 'S')
        {
            key.Length--;
        }

        if (key.Length > 1 && key[^1] == 'Y' && key[^2] == 'A')
        {
            key.Remove(key.Length - 2, 1);
        }

        if (key.Length > 1 && key[^1] == 'A')
        {
            key.Length--;
        }

        return key.Length > 6 ? key.ToString(0, 6) : key.ToString();
    }

    private static string Letters(string value) => string.Concat(value.Where(char.IsAsciiLetterUpper));

    private static bool IsVowel(char c) => c is 'A' or 'E' or 'I' or 'O' or 'U';

    private static char SoundexDigit(char c) => c switch
    {
        'B' or 'F' or 'P' or 'V' => '1',
        'C' or 'G' or 'J' or 'K' or 'Q' or 'S' or 'X' or 'Z' => '2',
        'D' or 'T' => '3',
        'L' => '4',
        'M' or 'N' => '5',
        'R' => '6',
        _ => '0',
    };

    private static void ReplaceStart(StringBuilder s, string prefix, string replacement)
    {
        if (s.Length >= prefix.Length && s.ToString(0, prefix.Length) == prefix)
        {
            s.Remove(0, prefix.Length).Insert(0, replacement);
        }
    }

    private static void ReplaceEnd(StringBuilder s, string suffix, string replacement)
    {
        if (s.Length >= suffix.Length && s.ToString(s.Length - suffix.Length, suffix.Length) == suffix)
        {
            s.Remove(s.Length - suffix.Length, suffix.Length).Append(replacement);
        }
    }
}
