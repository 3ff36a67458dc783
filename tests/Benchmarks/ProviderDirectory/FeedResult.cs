namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>One read of a history feed to its end: pages and entries delivered, time taken, page latencies.</summary>
internal sealed record FeedResult(string Feed, int Pages, long Entries, TimeSpan Elapsed, double P50PageMs, double P95PageMs)
{
    public double EntriesPerSecond => Entries / Elapsed.TotalSeconds;
}
