using System.Globalization;

namespace FhirMh.Benchmarks;

/// <summary>Command line: <c>--patients 100000 --providers Postgres,Sqlite --seconds 15</c>.</summary>
internal sealed record BenchOptions(long Patients, IReadOnlyList<string> Providers, TimeSpan Duration)
{
    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions(100_000, ["Postgres", "Sqlite"], TimeSpan.FromSeconds(15));
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options = args[i] switch
            {
                "--patients" => options with { Patients = long.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--providers" => options with { Providers = args[i + 1].Split(',', StringSplitOptions.TrimEntries) },
                "--seconds" => options with { Duration = TimeSpan.FromSeconds(int.Parse(args[i + 1], CultureInfo.InvariantCulture)) },
                _ => throw new ArgumentException($"Unknown option {args[i]}; use --patients, --providers, --seconds."),
            };
        }

        return options;
    }
}
