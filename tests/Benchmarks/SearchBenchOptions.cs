using System.Globalization;

namespace FhirMh.Benchmarks;

/// <summary>
/// Command line of <c>./bench search</c>: <c>--patients 10000,100000 --observations-per-patient 10
/// --providers Postgres,Sqlite --seconds 10 --connections 4 --ingest-clients 8 --pool 8 --explain</c>.
/// Each size in <c>--patients</c> is a step: the database grows to it, then every query is measured,
/// so the same run shows latency at each size. <c>--explain</c> (PostgreSQL) logs each query's plan
/// with auto_explain after the measured runs of a step, to a file named on the console.
/// </summary>
internal sealed record SearchBenchOptions(
    IReadOnlyList<int> Patients,
    int ObservationsPerPatient,
    IReadOnlyList<string> Providers,
    TimeSpan Duration,
    int Connections,
    int IngestClients,
    int? PoolSize,
    bool IsExplaining,
    int Seed)
{
    public static SearchBenchOptions Parse(string[] args)
    {
        var options = new SearchBenchOptions([10_000], 10, ["Postgres", "Sqlite"], TimeSpan.FromSeconds(10), 4, 8, null, false, 20261201);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--explain")
            {
                options = options with { IsExplaining = true };
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{args[i]} needs a value.");
            }

            var value = args[++i];
            options = args[i - 1] switch
            {
                "--patients" => options with { Patients = [.. value.Split(',').Select(Int).Order()] },
                "--observations-per-patient" => options with { ObservationsPerPatient = Int(value) },
                "--providers" => options with { Providers = value.Split(',', StringSplitOptions.TrimEntries) },
                "--seconds" => options with { Duration = TimeSpan.FromSeconds(Int(value)) },
                "--connections" => options with { Connections = Int(value) },
                "--ingest-clients" => options with { IngestClients = Int(value) },
                "--pool" => options with { PoolSize = Int(value) },
                "--seed" => options with { Seed = Int(value) },
                _ => throw new ArgumentException(
                    $"Unknown option {args[i - 1]}; use --patients, --observations-per-patient, --providers, --seconds, --connections, --ingest-clients, --pool, --seed, --explain."),
            };
        }

        return options;
    }

    private static int Int(string text) => int.Parse(text.Replace("_", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);
}
