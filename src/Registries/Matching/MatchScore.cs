namespace FhirMh.Registries.Matching;

/// <summary>The Fellegi-Sunter score of a pair of records.</summary>
/// <param name="Weight">Total weight in bits (sum of the field weights).</param>
/// <param name="Probability">Posterior match probability given <see cref="MatchRules.PriorMatchProbability"/>.</param>
/// <param name="Outcome">The decision from the two thresholds.</param>
/// <param name="Fields">Per-field explanation, in rule order.</param>
public sealed record MatchScore(double Weight, double Probability, MatchOutcome Outcome, IReadOnlyList<FieldScore> Fields);
