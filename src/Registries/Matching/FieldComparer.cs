namespace FhirMh.Registries.Matching;

/// <summary>Normalises and compares the values of one field according to its comparator.</summary>
internal sealed class FieldComparer
{
    private readonly FieldRule _rule;
    private readonly int _phoneDigits;
    private readonly Func<string, string, double> _measure;

    // A nickname pair is as good as the first level below exact equality (or exact if there is none).
    private readonly double _nicknameSimilarity;

    public FieldComparer(FieldRule rule)
    {
        _rule = rule;
        _phoneDigits = rule.Digits ?? Comparators.DefaultPhoneDigits;
        _measure = rule.Measure switch
        {
            Comparators.JaroWinkler => StringSimilarity.JaroWinkler,
            Comparators.DamerauLevenshtein => StringSimilarity.DamerauLevenshteinSimilarity,
            _ => StringSimilarity.LevenshteinSimilarity,
        };
        _nicknameSimilarity = rule.Levels.FirstOrDefault(l => l.Minimum < 1)?.Minimum ?? 1;
    }

    public FieldRule Rule => _rule;

    public string Normalise(string raw) => _rule.Comparator switch
    {
        Comparators.Name => TextNormalisation.NormaliseName(raw),
        Comparators.Date => DateValue.Normalise(raw),
        Comparators.Phone => TextNormalisation.Digits(raw),
        Comparators.Identifier => NormaliseIdentifier(raw),
        _ => TextNormalisation.Normalise(raw),
    };

    /// <summary>The best level over all value pairs and the values that reached it; level -1 when either side has no value.</summary>
    public (int Level, string? Left, string? Right) Compare(string[] left, string[] right)
    {
        var disagree = _rule.Levels.Count;
        if (left.Length == 0 || right.Length == 0)
        {
            return (-1, null, null);
        }

        var best = int.MaxValue;
        string? bestLeft = null;
        string? bestRight = null;
        foreach (var a in left)
        {
            foreach (var b in right)
            {
                var level = Level(a, b);
                if (level >= 0 && level < best)
                {
                    (best, bestLeft, bestRight) = (level, a, b);
                    if (level == 0)
                    {
                        return (0, a, b);
                    }
                }
            }
        }

        if (best == int.MaxValue)
        {
            // Only identifiers can have no comparable pair: no system on both sides counts as missing.
            return _rule.Comparator == Comparators.Identifier ? (-1, null, null) : (disagree, left[0], right[0]);
        }

        return (best, bestLeft, bestRight);
    }

    /// <summary>The level of one value pair; -1 when the pair is not comparable (identifiers of different systems).</summary>
    private int Level(string a, string b)
    {
        var levels = _rule.Levels;
        switch (_rule.Comparator)
        {
            case Comparators.Name:
            case Comparators.Text:
                return BySimilarity(Similarity(a, b));
            case Comparators.Date:
                for (var i = 0; i < levels.Count; i++)
                {
                    if (DateValue.Reaches(levels[i].Kind!, a, b))
                    {
                        return i;
                    }
                }

                return levels.Count;
            case Comparators.Phone:
                var left = a.Length > _phoneDigits ? a[^_phoneDigits..] : a;
                var right = b.Length > _phoneDigits ? b[^_phoneDigits..] : b;
                return ByKind(left, right, (x, y) => StringSimilarity.IsOneTypo(x, y));
            case Comparators.Identifier:
                var ia = a.IndexOf('|', StringComparison.Ordinal);
                var ib = b.IndexOf('|', StringComparison.Ordinal);
                if (!a.AsSpan(0, ia).SequenceEqual(b.AsSpan(0, ib)))
                {
                    return -1;
                }

                return ByKind(a[(ia + 1)..], b[(ib + 1)..], (x, y) => StringSimilarity.DamerauLevenshtein(x, y) <= 1);
            default:
                return a == b ? 0 : levels.Count;
        }
    }

    private double Similarity(string a, string b)
    {
        if (a == b)
        {
            return 1;
        }

        if (_rule.Comparator == Comparators.Name)
        {
            var similarity = StringSimilarity.JaroWinkler(a, b);
            return GivenNameEquivalents.AreEquivalent(a, b) ? Math.Max(similarity, _nicknameSimilarity) : similarity;
        }

        return _measure(a, b);
    }

    private int BySimilarity(double similarity)
    {
        var levels = _rule.Levels;
        for (var i = 0; i < levels.Count; i++)
        {
            if (similarity >= levels[i].Minimum)
            {
                return i;
            }
        }

        return levels.Count;
    }

    private int ByKind(string a, string b, Func<string, string, bool> isTypo)
    {
        var levels = _rule.Levels;
        for (var i = 0; i < levels.Count; i++)
        {
            var reached = levels[i].Kind switch
            {
                Comparators.ExactKind => a == b,
                _ => a != b && isTypo(a, b),
            };
            if (reached)
            {
                return i;
            }
        }

        return levels.Count;
    }

    private static string NormaliseIdentifier(string raw)
    {
        var bar = raw.IndexOf('|', StringComparison.Ordinal);
        var system = bar < 0 ? string.Empty : raw[..bar].Trim();
        var value = string.Concat(TextNormalisation.Normalise(bar < 0 ? raw : raw[(bar + 1)..]).Where(char.IsLetterOrDigit));
        return value.Length == 0 ? string.Empty : system + "|" + value;
    }
}
