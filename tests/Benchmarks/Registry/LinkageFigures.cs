namespace FhirMh.Benchmarks.Registry;

/// <summary>
/// Linkage quality of one replay (<see cref="LinkageMetrics.Measure"/>). Pairs are unordered pairs
/// of registrations: true when they share a person key, auto-linked when they share a golden record.
/// </summary>
/// <param name="Records">Registrations scored.</param>
/// <param name="Persons">Distinct person keys among them.</param>
/// <param name="TruePairs">Pairs of registrations of the same person.</param>
/// <param name="AutoLinkedPairs">Pairs of registrations linked to the same golden record.</param>
/// <param name="TruePositivePairs">Pairs both auto-linked and of the same person.</param>
/// <param name="Precision">True positive pairs / auto-linked pairs; 1 when nothing was linked.</param>
/// <param name="Recall">True positive pairs / true pairs; 1 when there is no true pair.</param>
/// <param name="F1">Harmonic mean of precision and recall.</param>
/// <param name="FalseAutoLinks">Auto-linked pairs of different persons (predicted minus true positive pairs).</param>
/// <param name="ClusterCorrectness">Share of persons whose registrations form exactly one golden cluster holding no one else's.</param>
/// <param name="ReviewShare">Share of registrations tagged possible-duplicate.</param>
/// <param name="Unlinked">Registrations whose source Patient links to no golden record (counted as a cluster of their own).</param>
internal sealed record LinkageFigures(
    int Records,
    int Persons,
    long TruePairs,
    long AutoLinkedPairs,
    long TruePositivePairs,
    double Precision,
    double Recall,
    double F1,
    long FalseAutoLinks,
    double ClusterCorrectness,
    double ReviewShare,
    int Unlinked);
