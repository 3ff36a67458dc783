namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>
/// One measured directory search: its label, the request path for a point, the ids the generated
/// directory says should match (nearest first where the search orders by distance), and the p95
/// the issue asks for, if any.
/// </summary>
internal sealed record DirectoryQuery(
    string Name, Func<QueryPoint, string> Path, Func<QueryPoint, IReadOnlyList<string>> Expected, bool IsOrderedByDistance, double? TargetP95Ms);
