namespace FhirMh.Benchmarks;

/// <summary>What a query answered before the load: whether it is measured, a status line, and the mean matches a page.</summary>
internal sealed record QueryCheck(bool IsMeasured, string Status, double MatchesPerPage);
