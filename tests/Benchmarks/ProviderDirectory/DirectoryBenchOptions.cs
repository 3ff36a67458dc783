using System.Globalization;

namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>
/// Command line of <c>./bench directory</c>: <c>--practitioners 50000 --roles 100000 --locations 10000
/// --services 20000 --organizations 5000</c> (the directory's size), <c>--seconds 15</c> (each wrk run),
/// <c>--connections 4</c> (wrk), <c>--loaders 4</c> (concurrent transaction senders), <c>--bundle 500</c>
/// (entries a transaction), <c>--seed 20261126</c>, <c>--dry-run</c> (generate the directory and print
/// counts, samples and the queries' expected matches; no server), <c>--skip-failing</c> (measure the
/// queries that pass their check and record the others as failed, instead of stopping), <c>--explain</c>
/// (after the figures are recorded, the PostgreSQL plans of the targeted searches with auto_explain,
/// to a file named on the console), <c>--no-curation</c> (the server with <c>ProviderRegistry:Enabled=false</c>:
/// no duplicate detection or reference checks on writes, for a load that takes minutes, not hours).
/// </summary>
internal sealed record DirectoryBenchOptions(
    DirectorySize Size,
    TimeSpan Duration,
    int Connections,
    int Loaders,
    int EntriesPerBundle,
    int Seed,
    bool IsDryRun,
    bool IsSkippingFailing,
    bool IsExplaining,
    bool IsCurating)
{
    /// <exception cref="ArgumentException">An unknown option, a missing value or a count below one.</exception>
    public static DirectoryBenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new DirectoryBenchOptions(new DirectorySize(5_000, 10_000, 50_000, 100_000, 20_000), TimeSpan.FromSeconds(15), 4, 4, 500, 20261126, false, false, false, true);
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is "--dry-run" or "--skip-failing" or "--explain" or "--no-curation")
            {
                options = args[i] switch
                {
                    "--dry-run" => options with { IsDryRun = true },
                    "--skip-failing" => options with { IsSkippingFailing = true },
                    "--no-curation" => options with { IsCurating = false },
                    _ => options with { IsExplaining = true },
                };
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{args[i]} needs a value.");
            }

            var value = Int(args[++i]);
            options = args[i - 1] switch
            {
                "--organizations" => options with { Size = options.Size with { Organizations = value } },
                "--locations" => options with { Size = options.Size with { Locations = value } },
                "--practitioners" => options with { Size = options.Size with { Practitioners = value } },
                "--roles" => options with { Size = options.Size with { Roles = value } },
                "--services" => options with { Size = options.Size with { Services = value } },
                "--seconds" => options with { Duration = TimeSpan.FromSeconds(value) },
                "--connections" => options with { Connections = value },
                "--loaders" => options with { Loaders = value },
                "--bundle" => options with { EntriesPerBundle = value },
                "--seed" => options with { Seed = value },
                _ => throw new ArgumentException(
                    $"Unknown option {args[i - 1]}; use --organizations, --locations, --practitioners, --roles, --services, --seconds, --connections, --loaders, --bundle, --seed, --dry-run, --skip-failing, --explain, --no-curation."),
            };
        }

        options.Size.Validate();
        return options;
    }

    private static int Int(string text) => int.Parse(text.Replace("_", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);
}
