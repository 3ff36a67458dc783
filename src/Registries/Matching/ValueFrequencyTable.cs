namespace FhirMh.Registries.Matching;

/// <summary>
/// Value frequencies counted over a set of prepared records, for the frequency-adjusted fields
/// of the rules. A snapshot: count again (e.g. nightly) as the registry grows.
/// </summary>
public sealed class ValueFrequencyTable : IValueFrequencies
{
    private readonly Dictionary<(string Field, string Value), double> _frequencies;

    private ValueFrequencyTable(Dictionary<(string Field, string Value), double> frequencies) => _frequencies = frequencies;

    /// <summary>Counts, for each frequency-adjusted field, the share of records carrying each value.</summary>
    /// <param name="matcher">The matcher that prepared the records.</param>
    /// <param name="records">The records, typically all stored ones.</param>
    /// <returns>The table; records without the field count in the denominator.</returns>
    public static ValueFrequencyTable Count(RecordMatcher matcher, IEnumerable<PreparedRecord> records)
    {
        ArgumentNullException.ThrowIfNull(matcher);
        ArgumentNullException.ThrowIfNull(records);
        var fields = matcher.Rules.Fields.Where(f => f.IsFrequencyAdjusted).Select(f => f.Name).ToArray();
        var counts = new Dictionary<(string Field, string Value), int>();
        var total = 0;
        foreach (var record in records)
        {
            total++;
            foreach (var field in fields)
            {
                foreach (var value in matcher.Values(record, field))
                {
                    counts[(field, value)] = counts.TryGetValue((field, value), out var n) ? n + 1 : 1;
                }
            }
        }

        return new ValueFrequencyTable(counts.ToDictionary(c => c.Key, c => (double)c.Value / total));
    }

    /// <inheritdoc/>
    public double? Frequency(string field, string normalisedValue) =>
        _frequencies.TryGetValue((field, normalisedValue), out var frequency) ? frequency : null;
}
