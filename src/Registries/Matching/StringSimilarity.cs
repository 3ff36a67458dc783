namespace FhirMh.Registries.Matching;

/// <summary>String similarity and distance measures used by the comparators.</summary>
internal static class StringSimilarity
{
    /// <summary>
    /// Jaro-Winkler similarity with prefix scale 0.1, at most 4 prefix characters, and the
    /// prefix bonus only above a Jaro similarity of 0.7 (Winkler 1990).
    /// </summary>
    public static double JaroWinkler(string a, string b)
    {
        var jaro = Jaro(a, b);
        if (jaro <= 0.7)
        {
            return jaro;
        }

        var prefix = 0;
        var limit = Math.Min(4, Math.Min(a.Length, b.Length));
        while (prefix < limit && a[prefix] == b[prefix])
        {
            prefix++;
        }

        return jaro + (prefix * 0.1 * (1 - jaro));
    }

    /// <summary>Jaro similarity (Jaro 1989).</summary>
    public static double Jaro(string a, string b)
    {
        if (a.Length == 0 && b.Length == 0)
        {
            return 1;
        }

        if (a.Length == 0 || b.Length == 0)
        {
            return 0;
        }

        var window = Math.Max(0, (Math.Max(a.Length, b.Length) / 2) - 1);
        Span<bool> aMatched = a.Length <= 256 ? stackalloc bool[a.Length] : new bool[a.Length];
        Span<bool> bMatched = b.Length <= 256 ? stackalloc bool[b.Length] : new bool[b.Length];
        var matches = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var start = Math.Max(0, i - window);
            var end = Math.Min(b.Length - 1, i + window);
            for (var j = start; j <= end; j++)
            {
                if (!bMatched[j] && a[i] == b[j])
                {
                    aMatched[i] = true;
                    bMatched[j] = true;
                    matches++;
                    break;
                }
            }
        }

        if (matches == 0)
        {
            return 0;
        }

        var transpositions = 0;
        var k = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (!aMatched[i])
            {
                continue;
            }

            while (!bMatched[k])
            {
                k++;
            }

            if (a[i] != b[k])
            {
                transpositions++;
            }

            k++;
        }

        double m = matches;
        return ((m / a.Length) + (m / b.Length) + ((m - (transpositions / 2.0)) / m)) / 3;
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    public static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    /// <summary>1 - Levenshtein distance / length of the longer string; 1 for two empty strings.</summary>
    public static double LevenshteinSimilarity(string a, string b)
    {
        var longer = Math.Max(a.Length, b.Length);
        return longer == 0 ? 1 : 1 - ((double)Levenshtein(a, b) / longer);
    }

    /// <summary>1 - <see cref="DamerauLevenshtein"/> distance / length of the longer string; 1 for two empty strings.</summary>
    public static double DamerauLevenshteinSimilarity(string a, string b)
    {
        var longer = Math.Max(a.Length, b.Length);
        return longer == 0 ? 1 : 1 - ((double)DamerauLevenshtein(a, b) / longer);
    }

    /// <summary>
    /// Damerau-Levenshtein distance in its optimal-string-alignment form: Levenshtein plus the
    /// transposition of two adjacent characters as one edit.
    /// </summary>
    public static int DamerauLevenshtein(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var best = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    best = Math.Min(best, d[i - 2, j - 2] + 1);
                }

                d[i, j] = best;
            }
        }

        return d[a.Length, b.Length];
    }

    /// <summary>
    /// Same length and either exactly one differing character or one transposition of two
    /// adjacent characters: the typing errors of dates and phone numbers.
    /// </summary>
    public static bool IsOneTypo(string a, string b)
    {
        if (a.Length != b.Length || a == b)
        {
            return false;
        }

        var first = -1;
        var differences = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i])
            {
                if (differences == 0)
                {
                    first = i;
                }

                differences++;
            }
        }

        return differences == 1
            || (differences == 2 && first + 1 < a.Length && a[first] == b[first + 1] && a[first + 1] == b[first]);
    }
}
