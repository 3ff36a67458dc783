using System.Globalization;

namespace FhirMh.Benchmarks.Registry;

/// <summary>
/// Command line of <c>./bench registry</c>: <c>--datasets febrl4,febrl3,febrl4-sparse,febrl3-sparse,synthetic</c>
/// (or <c>none</c>), <c>--people 10000</c> (synthetic dataset), <c>--scale 100000</c> (golden records for
/// the throughput and <c>$match</c> runs; 0 skips them), <c>--seconds 15</c> (each wrk run),
/// <c>--clients 16</c> (concurrent registering clients), <c>--seed 20261201</c>, <c>--dry-run</c>
/// (parse and map the datasets, print counts and samples; no server).
/// </summary>
internal sealed record RegistryBenchOptions(
    IReadOnlyList<string> Datasets,
    int SyntheticPeople,
    int Scale,
    TimeSpan Duration,
    int Clients,
    int Seed,
    bool IsDryRun)
{
    /// <exception cref="ArgumentException">An unknown option or dataset, or a missing value.</exception>
    public static RegistryBenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new RegistryBenchOptions(RegistryDataset.Names, 10_000, 100_000, TimeSpan.FromSeconds(15), 16, 20261201, false);
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--dry-run")
            {
                options = options with { IsDryRun = true };
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{args[i]} needs a value.");
            }

            var value = args[++i];
            options = args[i - 1] switch
            {
                "--datasets" => options with { Datasets = DatasetNames(value) },
                "--people" => options with { SyntheticPeople = Int(value) },
                "--scale" => options with { Scale = Int(value) },
                "--seconds" => options with { Duration = TimeSpan.FromSeconds(Int(value)) },
                "--clients" => options with { Clients = Int(value) },
                "--seed" => options with { Seed = Int(value) },
                _ => throw new ArgumentException(
                    $"Unknown option {args[i - 1]}; use --datasets, --people, --scale, --seconds, --clients, --seed, --dry-run."),
            };
        }

        return options;
    }

    private static string[] DatasetNames(string value)
    {
        if (value == "none")
        {
            return [];
        }

        var names = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return names.FirstOrDefault(n => !RegistryDataset.Names.Contains(n)) is { } unknown
            ? throw new ArgumentException($"Unknown dataset {unknown}; use {string.Join(", ", RegistryDataset.Names)} or none.")
            : names;
    }

    private static int Int(string text) => int.Parse(text.Replace("_", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);
}
