namespace FhirMh.Registries.Matching;

/// <summary>The result of <see cref="WeightEstimation"/>.</summary>
/// <param name="Rules">The input rules with every level's m and u replaced by the estimates; the version is
/// unchanged, so the caller sets a new one with <see cref="MatchRules.WithVersion"/>.</param>
/// <param name="Iterations">EM iterations run.</param>
/// <param name="MatchProportion">Estimated share of matches among the pairs.</param>
/// <param name="Converged">Whether the largest parameter change fell below the tolerance before the iteration limit.</param>
public sealed record WeightEstimate(MatchRules Rules, int Iterations, double MatchProportion, bool Converged);
