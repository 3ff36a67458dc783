namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>What the concurrent writers did while a feed was read: updates answered 2xx, failures, and the first failure.</summary>
internal sealed record WriterResult(int Updates, int Failures, string? FirstFailure);
