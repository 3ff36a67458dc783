namespace FhirMh.Registries.Matching;

/// <summary>A candidate pair for weight estimation: how its records compare, and why they were compared.</summary>
/// <param name="Vector">The pair's comparison vector, from <see cref="RecordMatcher.Compare"/>.</param>
/// <param name="Passes">The names of the blocking passes whose keys both records carry (<see cref="RecordMatcher.SharedPasses"/>).</param>
public sealed record BlockedPair(ComparisonVector Vector, IReadOnlySet<string> Passes);
