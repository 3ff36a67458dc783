using FhirMh.FhirServer.ClientRegistry;
using FhirMh.Registries.ClientRegistry;
using FhirMh.Registries.Matching;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Tests.ClientRegistry;

public sealed class PreparedSourcesTests
{
    private const string Fields = """{"family":["Moyo"],"given":["Tendai"],"birthDate":["1980-05-17"]}""";

    private static readonly RecordMatcher Matcher = new(DefaultRules.Patient);

    private static PreparedSources Sources(int capacity) => new(Options.Create(new ClientRegistryOptions { PreparedSourcesCapacity = capacity }));

    [Fact]
    public void Prepare_SameSourceAndValues_ReusesTheRecord()
    {
        var sources = Sources(10);

        var first = sources.Prepare(Matcher, "s1", Fields);
        var second = sources.Prepare(Matcher, "s1", new string(Fields.AsSpan()));

        Assert.Same(first, second);
        Assert.Equal(["MOYO"], Matcher.Values(second, "family"));
    }

    [Fact]
    public void Prepare_ChangedValues_PreparesThemAnew()
    {
        var sources = Sources(10);
        sources.Prepare(Matcher, "s1", Fields);

        var changed = sources.Prepare(Matcher, "s1", Fields.Replace("Moyo", "Ncube", StringComparison.Ordinal));

        Assert.Equal(["NCUBE"], Matcher.Values(changed, "family"));
    }

    [Fact]
    public void Prepare_OtherRules_PreparesWithThem()
    {
        var sources = Sources(10);
        var first = sources.Prepare(Matcher, "s1", Fields);
        var other = new RecordMatcher(DefaultRules.Patient.WithVersion("other"));

        var second = sources.Prepare(other, "s1", Fields);

        Assert.NotSame(first, second);
        Assert.Equal(0, other.Score(second, other.Prepare(RegistryRecords.RecordOf("s2", Fields))).Fields.Count(f => f.Level == FieldRule.DisagreeLevel));
    }

    [Fact]
    public void Prepare_CapacityZero_KeepsNothing()
    {
        var sources = Sources(0);

        Assert.NotSame(sources.Prepare(Matcher, "s1", Fields), sources.Prepare(Matcher, "s1", Fields));
    }
}
