using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>
/// Sends a phase's transaction Bundles, each until it commits, from concurrent loaders, timing each
/// Bundle from its first try to its commit. A Bundle answered 409 met another one changing the same
/// records (the registry's duplicate keys, a deadlock) and was undone whole, so it is sent again, as
/// the server asks, up to <see cref="MaxTries"/> times; the retries are counted.
/// </summary>
internal static class DirectoryLoader
{
    public const int MaxTries = 5;

    private static readonly MediaTypeHeaderValue FhirJson = MediaTypeHeaderValue.Parse("application/fhir+json");

    public static async Task<(IngestResult Result, int Retries)> RunAsync(HttpClient http, IReadOnlyList<byte[]> bundles, int resources, int loaders)
    {
        var latencies = new double[bundles.Count];
        var next = -1;
        var failures = 0;
        var retries = 0;
        string? firstFailure = null;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, loaders).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < bundles.Count; i = Interlocked.Increment(ref next))
            {
                var started = Stopwatch.GetTimestamp();
                for (var attempt = 1; ; attempt++)
                {
                    var (status, failure) = await PostAsync(http, bundles[i]);
                    if (failure is null)
                    {
                        break;
                    }

                    if (status == HttpStatusCode.Conflict && attempt < MaxTries)
                    {
                        Interlocked.Increment(ref retries);
                        await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt));
                        continue;
                    }

                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstFailure, $"bundle {i} (try {attempt}): {failure}", null);
                    break;
                }

                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        })));
        var elapsed = clock.Elapsed;
        Array.Sort(latencies);
        var result = new IngestResult(
            bundles.Count, resources, elapsed, resources / elapsed.TotalSeconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99), failures, firstFailure);
        return (result, retries);
    }

    private static async Task<(HttpStatusCode? Status, string? Failure)> PostAsync(HttpClient http, byte[] bundle)
    {
        try
        {
            using var content = new ByteArrayContent(bundle);
            content.Headers.ContentType = FhirJson;
            using var response = await http.PostAsync("/fhir", content);
            var body = await response.Content.ReadAsStringAsync();
            return response.IsSuccessStatusCode
                ? (response.StatusCode, null)
                : (response.StatusCode, $"POST /fhir answered {(int)response.StatusCode}: {(body.Length > 1000 ? body[..1000] : body)}");
        }
        catch (HttpRequestException e)
        {
            return (null, $"POST /fhir failed: {e.Message}");
        }
    }

    private static double Percentile(double[] sorted, double fraction) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
}
