using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace FhirMh.Benchmarks;

/// <summary>
/// Posts transaction Bundles, each exactly once, from a fixed number of concurrent senders on
/// keep-alive connections, and times each Bundle. Not wrk: wrk repeats requests until its time is
/// up, and a repeated Bundle would write the same Patients twice. At tens of Bundles a second the
/// client's own cost is negligible next to the server's.
/// </summary>
internal static class TransactionIngest
{
    private static readonly MediaTypeHeaderValue FhirJson = MediaTypeHeaderValue.Parse("application/fhir+json");

    public static async Task<IngestResult> RunAsync(HttpClient http, IReadOnlyList<byte[]> bundles, int entriesTotal, int senders)
    {
        var latencies = new double[bundles.Count];
        var next = -1;
        var failures = 0;
        string? firstFailure = null;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < bundles.Count; i = Interlocked.Increment(ref next))
            {
                var started = Stopwatch.GetTimestamp();
                var (isOk, failure) = await PostAsync(http, bundles[i]);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (!isOk)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstFailure, $"bundle {i}: {failure}", null);
                }
            }
        })));
        var elapsed = clock.Elapsed;
        Array.Sort(latencies);
        return new IngestResult(
            bundles.Count, entriesTotal, elapsed, entriesTotal / elapsed.TotalSeconds,
            Percentile(latencies, 0.50), Percentile(latencies, 0.99), failures, firstFailure);
    }

    /// <summary>Posts one Bundle and returns the location of each entry (Type/id), in entry order.</summary>
    public static async Task<List<string>> PostForLocationsAsync(HttpClient http, byte[] bundle)
    {
        using var content = new ByteArrayContent(bundle);
        content.Headers.ContentType = FhirJson;
        using var response = await http.PostAsync("/fhir", content);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /fhir answered {(int)response.StatusCode}: {body}");
        }

        using var json = JsonDocument.Parse(body);
        return [.. json.RootElement.GetProperty("entry").EnumerateArray()
            .Select(e => e.GetProperty("response").GetProperty("location").GetString()!)
            .Select(l => string.Join('/', l.Split('/').SkipWhile(p => p != "Organization" && p != "Practitioner").Take(2)))];
    }

    private static async Task<(bool IsOk, string? Failure)> PostAsync(HttpClient http, byte[] bundle)
    {
        try
        {
            using var content = new ByteArrayContent(bundle);
            content.Headers.ContentType = FhirJson;
            using var response = await http.PostAsync("/fhir", content);
            if (response.IsSuccessStatusCode)
            {
                // Read the whole transaction-response, as a client would.
                _ = await response.Content.ReadAsByteArrayAsync();
                return (true, null);
            }

            var body = await response.Content.ReadAsStringAsync();
            return (false, $"POST /fhir answered {(int)response.StatusCode}: {(body.Length > 2000 ? body[..2000] : body)}");
        }
        catch (HttpRequestException e)
        {
            return (false, $"POST /fhir failed: {e.Message}");
        }
    }

    private static double Percentile(double[] sorted, double fraction) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
}
