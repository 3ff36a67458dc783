using FhirMh.Benchmarks.Registry;

namespace FhirMh.Benchmarks.Tests.Registry;

public class RegistryDatasetTests
{
    [Fact]
    public void Interleaved_TwoSources_TakeTurnsEachInItsOwnOrder()
    {
        var records = new[] { Record("a1", 1, "A"), Record("a2", 2, "A"), Record("a3", 3, "A"), Record("b1", 1, "B") };

        var order = RegistryDataset.Interleaved(records).Select(r => r.RecordId);

        Assert.Equal(["a1", "b1", "a2", "a3"], order);
    }

    [Fact]
    public void Halves_SplitByPersonKeyParity_KeepEachPersonWhole()
    {
        var dataset = new RegistryDataset("t", [Record("a", 2, "A"), Record("b", 3, "A"), Record("c", 2, "B"), Record("d", 0, "B")], "AU");

        Assert.Equal(["a", "c", "d"], dataset.TuningHalf.Select(r => r.RecordId));
        Assert.Equal(["b"], dataset.ReportHalf.Select(r => r.RecordId));
    }

    [Fact]
    public void Load_UnknownName_Throws() =>
        Assert.Throws<ArgumentException>(() => RegistryDataset.Load("febrl9", "/nowhere", 10, 1));

    [Fact]
    public void Options_QuickCheck_Parse()
    {
        var options = RegistryBenchOptions.Parse(["--scale", "2000", "--seconds", "5", "--datasets", "febrl4,synthetic", "--dry-run"]);

        Assert.Equal((2000, TimeSpan.FromSeconds(5), true), (options.Scale, options.Duration, options.IsDryRun));
        Assert.Equal(["febrl4", "synthetic"], options.Datasets);
        Assert.Empty(RegistryBenchOptions.Parse(["--datasets", "none"]).Datasets);
        Assert.Throws<ArgumentException>(() => RegistryBenchOptions.Parse(["--datasets", "febrl5"]));
    }

    private static PersonRecord Record(string id, int personKey, string source) =>
        new(id, personKey, source, "ann", "lee", null, null, null, null, null, null, null, null);
}
