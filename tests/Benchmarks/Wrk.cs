using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace FhirMh.Benchmarks;

/// <summary>Runs wrk (Debian package) against a URL and reads its summary.</summary>
internal static partial class Wrk
{
    public static async Task<WrkResult> RunAsync(
        string url,
        int connections,
        TimeSpan duration,
        string? script,
        IReadOnlyDictionary<string, string>? environment,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-t1", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "--timeout", "10s", "--latency" })
        {
            start.ArgumentList.Add(argument);
        }

        if (script is not null)
        {
            start.ArgumentList.Add("-s");
            start.ArgumentList.Add(script);
        }

        start.ArgumentList.Add(url);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start: apt-get install wrk");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {error}{output}");
        }

        return Parse(output);
    }

    internal static WrkResult Parse(string output)
    {
        var rps = double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var requests = long.Parse(Requests().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var non2xx = Non2xx().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var errors = SocketErrors().Match(output) is { Success: true } s ? s.Value.Trim() : null;
        double? p95 = P95Microseconds().Match(output) is { Success: true } p ? double.Parse(p.Groups[1].Value, CultureInfo.InvariantCulture) / 1000 : null;
        var hasWrapped = Wrapped().IsMatch(output);
        return new WrkResult(
            rps, requests, Percentile(output, "50%")!.Value, Percentile(output, "99%")!.Value, non2xx, errors, p95, hasWrapped,
            Percentile(output, "75%"), Percentile(output, "90%"));
    }

    private static double? Percentile(string output, string label)
    {
        var match = Regex.Match(output, $@"^\s+{Regex.Escape(label)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!match.Success)
        {
            return null;
        }

        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "us" => value / 1000,
            "ms" => value,
            _ => value * 1000,
        };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex Requests();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex Non2xx();

    [GeneratedRegex(@"^p95_us: ([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex P95Microseconds();

    [GeneratedRegex(@"^wrapped: 1", RegexOptions.Multiline)]
    private static partial Regex Wrapped();

    [GeneratedRegex(@"Socket errors:.*")]
    private static partial Regex SocketErrors();
}
