namespace FhirMh.Benchmarks;

internal sealed record IngestResult(
    int Bundles, int Entries, TimeSpan Elapsed, double EntriesPerSecond, double P50Ms, double P99Ms, int FailedBundles, string? FirstFailure);
