using System.Diagnostics;

namespace FhirMh.Benchmarks.Registry;

/// <summary>
/// Registers records, each exactly once and in the order given, from concurrent clients, as source
/// systems would send them. Not wrk: a record replayed twice would be an update, not a registration.
/// Stops early when registrations keep failing, so that a server without the registry fails fast.
/// </summary>
internal static class RegistrationReplay
{
    /// <exception cref="RegistryContractException">More than 20 registrations, and more than 2%, failed.</exception>
    public static async Task<ReplayResult> RunAsync(
        RegistryClient client, IReadOnlyList<PersonRecord> records, string country, int clients, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var latencies = new double[records.Count];
        var next = -1;
        var failed = 0;
        string? firstFailure = null;
        var progress = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                for (var i = Interlocked.Increment(ref next); i < records.Count && !stop.IsCancellationRequested; i = Interlocked.Increment(ref next))
                {
                    var started = Stopwatch.GetTimestamp();
                    var failure = await client.RegisterAsync(records[i], country, stop.Token);
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (failure is not null)
                    {
                        var failures = Interlocked.Increment(ref failed);
                        Interlocked.CompareExchange(ref firstFailure, failure, null);
                        if (failures > 20 && failures > 0.02 * (i + 1))
                        {
                            await stop.CancelAsync();
                        }
                    }

                    if (i % 1000 == 999 && progress.Elapsed > TimeSpan.FromSeconds(10))
                    {
                        progress.Restart();
                        Console.WriteLine($"  {i + 1:N0} of {records.Count:N0} registered ({(i + 1) / clock.Elapsed.TotalSeconds:N0}/s)");
                    }
                }
            }, stop.Token)));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Stopped below with the reason.
        }

        var elapsed = clock.Elapsed;
        if (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RegistryContractException($"Registrations keep failing ({failed} of the first {Math.Min(next, records.Count)}); the first: {firstFailure}");
        }

        Array.Sort(latencies);
        return new ReplayResult(records.Count - failed, failed, elapsed, Percentile(latencies, 0.50), Percentile(latencies, 0.99), firstFailure);
    }

    private static double Percentile(double[] sorted, double fraction) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
}
