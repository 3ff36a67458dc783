namespace FhirMh.Benchmarks.Registry;

/// <summary>A replay of registrations: how many were stored, how long it took, the latency of each.</summary>
internal sealed record ReplayResult(int Registered, int Failed, TimeSpan Elapsed, double P50Ms, double P99Ms, string? FirstFailure)
{
    public double RegistrationsPerSecond => Registered / Elapsed.TotalSeconds;
}
