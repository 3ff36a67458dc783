namespace FhirMh.Registries.Matching;

/// <summary>
/// Fellegi-Sunter record matching with one set of <see cref="MatchRules"/>: prepare each record
/// once, take candidates that share a <see cref="BlockingKeys">blocking key</see>, then
/// <see cref="Score(PreparedRecord, PreparedRecord)"/> each pair. Thread-safe and immutable;
/// make one per rules version and reuse it.
/// </summary>
public sealed class RecordMatcher
{
    /// <summary>The smallest u a frequency-adjusted exact agreement gets, so a value seen once in a small
    /// registry does not give an unbounded weight.</summary>
    public const double FrequencyFloor = 1e-6;

    /// <summary>At most this many keys per blocking pass per record when fields have several values.</summary>
    public const int MaxKeysPerPass = 8;

    private readonly FieldComparer[] _comparers;
    private readonly int[] _swapPartner;
    private readonly IValueFrequencies? _frequencies;
    private readonly double _priorLogOdds;

    /// <summary>Creates a matcher for <paramref name="rules"/>.</summary>
    /// <param name="rules">The match rules.</param>
    /// <param name="frequencies">Value frequencies for frequency-adjusted fields; without them the configured u is used.</param>
    public RecordMatcher(MatchRules rules, IValueFrequencies? frequencies = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = rules;
        _frequencies = frequencies;
        _comparers = rules.Fields.Select(f => new FieldComparer(f)).ToArray();
        _swapPartner = rules.Fields
            .Select(f => f.SwapWith is null ? -1 : IndexOf(rules, f.SwapWith))
            .ToArray();
        _priorLogOdds = Math.Log2(rules.PriorMatchProbability / (1 - rules.PriorMatchProbability));
    }

    /// <summary>The rules this matcher applies.</summary>
    public MatchRules Rules { get; }

    /// <summary>
    /// Normalises a record once: upper case, Latin diacritics folded, punctuation to spaces,
    /// whitespace collapsed; phones to digits; dates to YYYY[MM[DD]] digits; identifiers to
    /// <c>system|VALUE</c>. Empty and duplicate values are dropped; fields not in the rules ignored.
    /// </summary>
    /// <param name="record">The raw record.</param>
    /// <returns>The prepared record.</returns>
    public PreparedRecord Prepare(MatchRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var values = new string[_comparers.Length][];
        for (var i = 0; i < _comparers.Length; i++)
        {
            var comparer = _comparers[i];
            values[i] = record.Fields.TryGetValue(comparer.Rule.Name, out var raw) && raw is not null
                ? raw.Where(v => v is not null).Select(comparer.Normalise).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToArray()
                : [];
        }

        return new PreparedRecord(record.Id, Rules, values);
    }

    /// <summary>The normalised values of one field of a prepared record (e.g. to count value frequencies).</summary>
    /// <param name="record">A record prepared by this matcher.</param>
    /// <param name="field">A field name of the rules.</param>
    /// <returns>The values; empty when the record lacks the field.</returns>
    /// <exception cref="ArgumentException">The field is not in the rules, or the record was prepared with other rules.</exception>
    public IReadOnlyList<string> Values(PreparedRecord record, string field)
    {
        Check(record);
        var index = IndexOf(Rules, field);
        return index < 0 ? throw new ArgumentException($"'{field}' is not a field of the rules", nameof(field)) : record.Values[index];
    }

    /// <summary>
    /// The blocking keys of a record, <c>"passName:part1|part2"</c>, distinct and in a deterministic
    /// order (pass order, then ordinal). A pass with an empty part gives no key; fields with several
    /// values give several keys, at most <see cref="MaxKeysPerPass"/> per pass.
    /// </summary>
    /// <param name="record">A record prepared by this matcher.</param>
    /// <returns>The keys.</returns>
    public IReadOnlyList<string> BlockingKeys(PreparedRecord record)
    {
        Check(record);
        var keys = new List<string>();
        foreach (var pass in Rules.Blocking)
        {
            var parts = new List<string[]>(pass.Keys.Count);
            foreach (var key in pass.Keys)
            {
                var values = record.Values[IndexOf(Rules, key.Field)]
                    .Select(v => BlockingTransforms.Apply(key, v))
                    .Where(v => v.Length > 0)
                    .Distinct(StringComparer.Ordinal)
                    .Order(StringComparer.Ordinal)
                    .ToArray();
                if (values.Length == 0)
                {
                    parts.Clear();
                    break;
                }

                parts.Add(values);
            }

            if (parts.Count == 0)
            {
                continue;
            }

            IEnumerable<string> combined = [pass.Name + ":"];
            for (var i = 0; i < parts.Count; i++)
            {
                var separator = i == 0 ? string.Empty : "|";
                var part = parts[i];
                combined = combined.SelectMany(prefix => part.Select(v => prefix + separator + v));
            }

            foreach (var key in combined.Take(MaxKeysPerPass))
            {
                if (!keys.Contains(key))
                {
                    keys.Add(key);
                }
            }
        }

        return keys;
    }

    /// <summary>The names of the blocking passes that gave both records a same key.</summary>
    /// <param name="leftKeys">One record's keys, from <see cref="BlockingKeys"/>.</param>
    /// <param name="rightKeys">The other record's keys.</param>
    /// <returns>Pass names, each once.</returns>
    public static IReadOnlySet<string> SharedPasses(IReadOnlySet<string> leftKeys, IReadOnlyCollection<string> rightKeys)
    {
        ArgumentNullException.ThrowIfNull(leftKeys);
        ArgumentNullException.ThrowIfNull(rightKeys);
        var passes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in rightKeys)
        {
            // A key is its pass's name, a colon, then the values; names hold no colon (MatchRulesJson).
            if (leftKeys.Contains(key))
            {
                passes.Add(key[..key.IndexOf(':', StringComparison.Ordinal)]);
            }
        }

        return passes;
    }

    /// <summary>The agreement level of each field for a pair of records.</summary>
    /// <param name="a">A record prepared by this matcher.</param>
    /// <param name="b">Another record prepared by this matcher.</param>
    /// <returns>The comparison vector.</returns>
    public ComparisonVector Compare(PreparedRecord a, PreparedRecord b) => new(CompareFields(a, b).Select(c => c.Level));

    /// <summary>Scores a pair of records, with a per-field explanation.</summary>
    /// <param name="a">A record prepared by this matcher.</param>
    /// <param name="b">Another record prepared by this matcher.</param>
    /// <returns>Weight, probability, outcome and the field scores.</returns>
    public MatchScore Score(PreparedRecord a, PreparedRecord b)
    {
        var comparisons = CompareFields(a, b);
        var fields = new FieldScore[comparisons.Length];
        var total = 0.0;
        for (var i = 0; i < comparisons.Length; i++)
        {
            var (level, left, right) = comparisons[i];
            var rule = Rules.Fields[i];
            var weight = rule.LevelWeight(level);
            if (level == 0 && rule.IsFrequencyAdjusted && left is not null && _frequencies?.Frequency(rule.Name, left) is { } frequency)
            {
                weight = Math.Log2(rule.Levels[0].M / Math.Clamp(frequency, FrequencyFloor, 1));
            }

            total += weight;
            fields[i] = new FieldScore(rule.Name, rule.LevelName(level), weight, left, right);
        }

        return new MatchScore(total, Probability(total), Classify(total), fields);
    }

    /// <summary>Scores a comparison vector with the configured weights (no frequency adjustment, no values).</summary>
    /// <param name="vector">One level index per field.</param>
    /// <returns>Weight, probability, outcome and the field scores without values.</returns>
    /// <exception cref="ArgumentException">The vector does not fit the rules.</exception>
    public MatchScore Score(ComparisonVector vector)
    {
        if (vector.Count != Rules.Fields.Count)
        {
            throw new ArgumentException($"The vector has {vector.Count} levels for {Rules.Fields.Count} fields", nameof(vector));
        }

        var fields = new FieldScore[vector.Count];
        var total = 0.0;
        for (var i = 0; i < vector.Count; i++)
        {
            var rule = Rules.Fields[i];
            var level = vector[i];
            if (level < -1 || level > rule.Levels.Count)
            {
                throw new ArgumentException($"Level {level} is out of range for field '{rule.Name}'", nameof(vector));
            }

            var weight = rule.LevelWeight(level);
            total += weight;
            fields[i] = new FieldScore(rule.Name, rule.LevelName(level), weight, null, null);
        }

        return new MatchScore(total, Probability(total), Classify(total), fields);
    }

    /// <summary>The decision for a total weight: at or above the upper threshold a match, below the lower one a non-match.</summary>
    /// <param name="weight">Total weight in bits.</param>
    /// <returns>The outcome.</returns>
    public MatchOutcome Classify(double weight) =>
        weight >= Rules.UpperThreshold ? MatchOutcome.Match
        : weight >= Rules.LowerThreshold ? MatchOutcome.PossibleMatch
        : MatchOutcome.NonMatch;

    /// <summary>
    /// Posterior match probability of a total weight: 1 / (1 + 2^-(weight + log2(prior / (1 - prior)))),
    /// with prior <see cref="MatchRules.PriorMatchProbability"/>.
    /// </summary>
    /// <param name="weight">Total weight in bits.</param>
    /// <returns>The probability in [0, 1].</returns>
    public double Probability(double weight) => 1 / (1 + Math.Pow(2, -(weight + _priorLogOdds)));

    private (int Level, string? Left, string? Right)[] CompareFields(PreparedRecord a, PreparedRecord b)
    {
        Check(a);
        Check(b);
        var results = new (int Level, string? Left, string? Right)[_comparers.Length];
        for (var i = 0; i < _comparers.Length; i++)
        {
            results[i] = _comparers[i].Compare(a.Values[i], b.Values[i]);
        }

        // Given and family transposed: the crossed comparisons are taken together, only when both reach
        // an agreement level and together weigh more than the straight ones, so one field equal to the
        // other side's other field (James Thomas, Thomas Smith) is not enough.
        for (var i = 0; i < _comparers.Length; i++)
        {
            var j = _swapPartner[i];
            if (j <= i || a.Values[i].Length == 0 || a.Values[j].Length == 0 || b.Values[i].Length == 0 || b.Values[j].Length == 0)
            {
                continue;
            }

            var crossedI = _comparers[i].Compare(a.Values[i], b.Values[j]);
            var crossedJ = _comparers[j].Compare(a.Values[j], b.Values[i]);
            var straight = Rules.Fields[i].LevelWeight(results[i].Level) + Rules.Fields[j].LevelWeight(results[j].Level);
            var crossed = Rules.Fields[i].LevelWeight(crossedI.Level) + Rules.Fields[j].LevelWeight(crossedJ.Level);
            if (crossed > straight && crossedI.Level < Rules.Fields[i].Levels.Count && crossedJ.Level < Rules.Fields[j].Levels.Count)
            {
                results[i] = crossedI;
                results[j] = crossedJ;
            }
        }

        return results;
    }

    private void Check(PreparedRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!ReferenceEquals(record.Rules.Fields, Rules.Fields)
            && !record.Rules.Fields.Select(f => (f.Name, f.Comparator)).SequenceEqual(Rules.Fields.Select(f => (f.Name, f.Comparator))))
        {
            throw new ArgumentException($"Record '{record.Id}' was prepared with other rules", nameof(record));
        }
    }

    private static int IndexOf(MatchRules rules, string field)
    {
        for (var i = 0; i < rules.Fields.Count; i++)
        {
            if (rules.Fields[i].Name == field)
            {
                return i;
            }
        }

        return -1;
    }
}
