namespace FhirMh.Registries.Matching;

/// <summary>How one field contributed to a <see cref="MatchScore"/>.</summary>
/// <param name="Field">The field name from the rules.</param>
/// <param name="Level">The agreement level reached: a level name from the rules, <c>"disagree"</c>
/// (the implicit last level) or <c>"missing"</c> (either side lacks the field; weight 0).</param>
/// <param name="Weight">log2(m/u) of the level, in bits; frequency-adjusted where the field asks for it.</param>
/// <param name="Left">The normalised value of the first record that produced the level, if any.</param>
/// <param name="Right">The normalised value of the second record that produced the level, if any.</param>
public sealed record FieldScore(string Field, string Level, double Weight, string? Left, string? Right);
