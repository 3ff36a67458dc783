namespace FhirMh.Benchmarks.Registry;

/// <summary>
/// What the registry did with one registration: the golden record its source Patient links to
/// (<c>null</c> when it links to none) and whether it waits for review (tag <c>possible-duplicate</c>).
/// </summary>
internal sealed record LinkOutcome(string RecordId, int PersonKey, string? GoldenId, bool IsUnderReview);
