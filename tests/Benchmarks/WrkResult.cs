namespace FhirMh.Benchmarks;

/// <summary>
/// wrk's summary. <c>P95Ms</c> is there only when the script's <c>done()</c> prints <c>p95_us:</c>
/// (Scripts/search.lua): wrk's own latency distribution stops at 50/75/90/99%. <c>HasWrapped</c>:
/// a script that sends a file's requests in order (Scripts/registry.lua) ran out and started over.
/// <c>P75Ms</c> and <c>P90Ms</c> are the rest of wrk's <c>--latency</c> distribution.
/// </summary>
internal sealed record WrkResult(
    double RequestsPerSecond, long Requests, double P50Ms, double P99Ms, long Non2xx, string? SocketErrors, double? P95Ms = null, bool HasWrapped = false,
    double? P75Ms = null, double? P90Ms = null);
