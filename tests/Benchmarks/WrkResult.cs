namespace FhirMh.Benchmarks;

internal sealed record WrkResult(double RequestsPerSecond, long Requests, double P50Ms, double P99Ms, long Non2xx, string? SocketErrors);
