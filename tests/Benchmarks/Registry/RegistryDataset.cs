namespace FhirMh.Benchmarks.Registry;

/// <summary>
/// A named set of registrations with ground truth, as <c>./bench registry --datasets</c> names them:
/// <c>febrl4</c> (dataset4a from source A, dataset4b from source B), <c>febrl3</c> (dataset3 from one
/// source: duplicates within one system), their <c>-sparse</c> variants (no national id, street
/// number or address lines) and <c>synthetic</c> (<see cref="SyntheticPeople"/>).
/// </summary>
internal sealed record RegistryDataset(string Name, IReadOnlyList<PersonRecord> Records, string Country)
{
    public const string SourceA = "https://fhirmh.org/bench/source-a";
    public const string SourceB = "https://fhirmh.org/bench/source-b";

    public static readonly IReadOnlyList<string> Names = ["febrl4", "febrl3", "febrl4-sparse", "febrl3-sparse", "synthetic"];

    /// <exception cref="ArgumentException">An unknown name.</exception>
    public static RegistryDataset Load(string name, string repository, int syntheticPeople, int seed)
    {
        var febrl = FebrlDataset.Folder(repository);
        List<PersonRecord> Febrl4() =>
            [.. FebrlDataset.Read(Path.Combine(febrl, "dataset4a.csv"), SourceA), .. FebrlDataset.Read(Path.Combine(febrl, "dataset4b.csv"), SourceB)];
        List<PersonRecord> Febrl3() => FebrlDataset.Read(Path.Combine(febrl, "dataset3.csv"), SourceA);
        return name switch
        {
            "febrl4" => new(name, Febrl4(), "AU"),
            "febrl3" => new(name, Febrl3(), "AU"),
            "febrl4-sparse" => new(name, [.. Febrl4().Select(r => r.Sparse())], "AU"),
            "febrl3-sparse" => new(name, [.. Febrl3().Select(r => r.Sparse())], "AU"),
            "synthetic" => new(name, new SyntheticPeople(seed).Records(syntheticPeople), SyntheticPeople.Country),
            _ => throw new ArgumentException($"Unknown dataset {name}; use {string.Join(", ", Names)}."),
        };
    }

    /// <summary>Records of even person keys: the rules are estimated on them.</summary>
    public IReadOnlyList<PersonRecord> TuningHalf => [.. Records.Where(r => r.PersonKey % 2 == 0)];

    /// <summary>Records of odd person keys: the figures are measured on them, with rules never fitted to them.</summary>
    public IReadOnlyList<PersonRecord> ReportHalf => [.. Records.Where(r => r.PersonKey % 2 != 0)];

    /// <summary>
    /// The order in which sources register: one record of each source in turn, each source in its
    /// own order, so that a person's records from different sources arrive interleaved.
    /// </summary>
    public static List<PersonRecord> Interleaved(IReadOnlyList<PersonRecord> records)
    {
        var queues = records.GroupBy(r => r.SourceSystem).Select(g => new Queue<PersonRecord>(g)).ToList();
        var ordered = new List<PersonRecord>(records.Count);
        while (queues.Count > 0)
        {
            foreach (var queue in queues)
            {
                ordered.Add(queue.Dequeue());
            }

            queues.RemoveAll(q => q.Count == 0);
        }

        return ordered;
    }
}
