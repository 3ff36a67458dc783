using System.Globalization;

namespace FhirMh.Benchmarks;

/// <summary>
/// Command line: <c>--patients 100000 --providers Postgres,Sqlite --seconds 15 --pool 8</c>; <c>--pool</c>
/// sets the server's Npgsql <c>Maximum Pool Size</c> (default: Npgsql's own, 100).
/// </summary>
internal sealed record BenchOptions(long Patients, IReadOnlyList<string> Providers, TimeSpan Duration, int? PoolSize)
{
    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions(100_000, ["Postgres", "Sqlite"], TimeSpan.FromSeconds(15), null);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options = args[i] switch
            {
                "--patients" => options with { Patients = long.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--providers" => options with { Providers = args[i + 1].Split(',', StringSplitOptions.TrimEntries) },
                "--pool" => options with { PoolSize = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--seconds" => options with { Duration = TimeSpan.FromSeconds(int.Parse(args[i + 1], CultureInfo.InvariantCulture)) },
                _ => throw new ArgumentException($"Unknown option {args[i]}; use --patients, --providers, --seconds, --pool."),
            };
        }

        return options;
    }
}
