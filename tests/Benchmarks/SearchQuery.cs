namespace FhirMh.Benchmarks;

/// <summary>
/// One measured search: a label, a way to draw a request path from the dataset, and its goal from
/// issue #3; <c>GoalP50Ms</c> is the p50 the issue asks for, at the size the goal names.
/// </summary>
internal sealed record SearchQuery(string Name, Func<Random, string> NextPath, string Goal, double? GoalP50Ms);
