using FhirMh.Benchmarks.Registry;

namespace FhirMh.Benchmarks.Tests.Registry;

public class SyntheticPeopleTests
{
    private static readonly List<PersonRecord> Records = new SyntheticPeople(7).Records(3_000);

    [Fact]
    public void Records_SameSeed_SameRecords() =>
        Assert.Equal(Records, new SyntheticPeople(7).Records(3_000));

    [Fact]
    public void Records_OtherSeed_OtherPeople() =>
        Assert.NotEqual(Records.Select(r => r.Family), new SyntheticPeople(8).Records(3_000).Select(r => r.Family));

    [Fact]
    public void Records_EveryPersonRegisteredAndRecordIdsUnique()
    {
        Assert.Equal(3_000, Records.Select(r => r.PersonKey).Distinct().Count());
        Assert.Equal(Records.Count, Records.Select(r => r.RecordId).Distinct().Count());
        Assert.Equal(3, Records.Select(r => r.SourceSystem).Distinct().Count());
        Assert.InRange(Records.Count / 3_000.0, 1.5, 2.0); // each person visits 1.7 sources on average
        Assert.Contains(Records.GroupBy(r => (r.PersonKey, r.SourceSystem)), g => g.Count() > 1); // re-registered at the same clinic
    }

    [Fact]
    public void Records_CarryIntakeNoise()
    {
        Assert.Contains(Records, r => r.BirthDate?.Length == 4); // year only
        Assert.Contains(Records, r => r.BirthDate is null);
        Assert.Contains(Records, r => r.BirthDate is not null && PatientMapping.BirthDate(r.BirthDate) is null); // a typo made it no date
        Assert.Contains(Records, r => r.Phone is null);
        Assert.Contains(Records, r => r.Phone?.StartsWith("+263 ", StringComparison.Ordinal) == true);
        Assert.Contains(Records, r => r.Phone?.StartsWith("07", StringComparison.Ordinal) == true);
        Assert.Contains(Records, r => r.Given is "Bill" or "Liz" or "Kuda" or "Maggie");
        Assert.Contains(Records, r => r.Family == r.Family?.ToUpperInvariant());
        Assert.Contains(Records, r => r.Sex is null);
        Assert.Contains(Records, r => r.SocSecId is not null);
        Assert.Contains(Records, r => r.SocSecId is null);
    }

    [Fact]
    public void NoisyRecord_SamePerson_DiffersFromTheCleanOneOnlyByNoise()
    {
        var people = new SyntheticPeople(7);
        var clean = people.CleanRecord(42, RegistryDataset.SourceA, "A-1");

        // Of many noisy copies most keep the clean birth date and family name: noise is the exception.
        var copies = Enumerable.Range(0, 200).Select(i => people.NoisyRecord(42, RegistryDataset.SourceA, "A-1", new Random(i))).ToList();

        Assert.InRange(copies.Count(c => c.BirthDate == clean.BirthDate), 140, 190);
        Assert.InRange(copies.Count(c => c.Family == clean.Family), 150, 199);
        Assert.All(copies, c => Assert.Equal(42, c.PersonKey));
    }
}
