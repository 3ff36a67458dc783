using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>
/// The directory's change feed as a subscriber reads it (IHE mCSD [ITI-91] Request Care Services
/// Updates, https://profiles.ihe.net/ITI/mCSD/ITI-91.html): a history interaction with
/// <c>_since</c>, followed by its <c>next</c> links to the end; and writers that update
/// PractitionerRoles at a steady rate meanwhile.
/// </summary>
internal static class ChangeFeed
{
    private static readonly MediaTypeHeaderValue FhirJson = MediaTypeHeaderValue.Parse("application/fhir+json");

    /// <summary>Reads every page from <paramref name="firstPath"/> on, one after another.</summary>
    /// <exception cref="DirectoryContractException">A page did not answer 200, or a page was not a history Bundle.</exception>
    public static async Task<FeedResult> ReadAsync(HttpClient http, string name, string firstPath, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        var entries = 0L;
        var clock = Stopwatch.StartNew();
        for (var url = firstPath; url is not null;)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (!response.IsSuccessStatusCode)
            {
                throw new DirectoryContractException($"GET {url} answered {(int)response.StatusCode}: {Shorten(json.RootElement.GetRawText())}");
            }

            var root = json.RootElement;
            if (!root.TryGetProperty("type", out var type) || type.GetString() != "history")
            {
                throw new DirectoryContractException($"GET {url} answered a {(root.TryGetProperty("type", out var t) ? t.GetString() : "?")} Bundle, not a history.");
            }

            entries += root.TryGetProperty("entry", out var entry) ? entry.GetArrayLength() : 0;
            url = null;
            if (root.TryGetProperty("link", out var links))
            {
                foreach (var link in links.EnumerateArray())
                {
                    if (link.GetProperty("relation").GetString() == "next")
                    {
                        url = link.GetProperty("url").GetString();
                    }
                }
            }
        }

        var elapsed = clock.Elapsed;
        latencies.Sort();
        return new FeedResult(name, latencies.Count, entries, elapsed, Percentile(latencies, 0.50), Percentile(latencies, 0.95));
    }

    /// <summary>
    /// Updates PractitionerRoles (their hours: closing at 18:00 instead of 17:00) at about
    /// <paramref name="perSecond"/> a second from <paramref name="writers"/> clients until
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public static async Task<WriterResult> WriteAsync(
        HttpClient http, DirectoryDataset dataset, int writers, double perSecond, int seed, CancellationToken cancellationToken)
    {
        var updates = 0;
        var failures = 0;
        string? firstFailure = null;
        var interval = TimeSpan.FromSeconds(writers / perSecond);
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(unchecked((seed * 31) + 100 + w));
            using var timer = new PeriodicTimer(interval);
            try
            {
                while (await timer.WaitForNextTickAsync(cancellationToken))
                {
                    var role = dataset.Roles[random.Next(dataset.Roles.Count)];
                    var updated = role with { Hours = [.. role.Hours.Select(h => h with { Closes = new TimeOnly(18, 0) })] };
                    using var content = new ByteArrayContent(DirectoryJson.Role(updated));
                    content.Headers.ContentType = FhirJson;
                    using var request = new HttpRequestMessage(HttpMethod.Put, $"/fhir/PractitionerRole/{role.Id}") { Content = content };
                    request.Headers.Add("Prefer", "return=minimal");
                    using var response = await http.SendAsync(request, CancellationToken.None);
                    if (response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref updates);
                    }
                    else
                    {
                        Interlocked.Increment(ref failures);
                        var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                        Interlocked.CompareExchange(ref firstFailure, $"PUT PractitionerRole/{role.Id} answered {(int)response.StatusCode}: {Shorten(body)}", null);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The feed has been read to its end.
            }
        }, CancellationToken.None)));
        return new WriterResult(updates, failures, firstFailure);
    }

    private static string Shorten(string text) => text.Length > 600 ? text[..600] : text;

    private static double Percentile(List<double> sorted, double fraction) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(fraction * sorted.Count) - 1)];
}
