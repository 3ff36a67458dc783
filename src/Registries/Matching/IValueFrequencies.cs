namespace FhirMh.Registries.Matching;

/// <summary>
/// Value frequencies for frequency-adjusted fields (<see cref="FieldRule.IsFrequencyAdjusted"/>):
/// agreeing on a common surname is weaker evidence than agreeing on a rare one.
/// The host supplies them, typically counted over its stored records.
/// </summary>
public interface IValueFrequencies
{
    /// <summary>The share (0..1) of records that carry <paramref name="normalisedValue"/> in
    /// <paramref name="field"/>, or null when unknown (the configured u is used then).</summary>
    /// <param name="field">The field name from the rules.</param>
    /// <param name="normalisedValue">The value as the matcher normalised it (see <see cref="RecordMatcher.Values"/>).</param>
    double? Frequency(string field, string normalisedValue);
}
