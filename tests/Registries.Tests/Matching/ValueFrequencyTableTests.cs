using FhirMh.Registries.ClientRegistry;
using FhirMh.Registries.Matching;

namespace FhirMh.Registries.Tests.Matching;

public class ValueFrequencyTableTests
{
    [Fact]
    public void Count_Records_ShareOfRecordsPerNormalisedValue()
    {
        var matcher = new RecordMatcher(DefaultRules.Patient);
        var records = new[] { "Smith", "smith", "Smíth", "Nguyen" }
            .Select((family, i) => matcher.Prepare(Records.Make(i.ToString(System.Globalization.CultureInfo.InvariantCulture), ("family", [family]))))
            .Append(matcher.Prepare(Records.Make("none", ("given", ["Ann"]))));

        var table = ValueFrequencyTable.Count(matcher, records);

        Assert.Equal(0.6, table.Frequency("family", "SMITH"));
        Assert.Equal(0.2, table.Frequency("family", "NGUYEN"));
        Assert.Null(table.Frequency("family", "JONES"));
        Assert.Null(table.Frequency("given", "ANN")); // given is not frequency-adjusted in the default rules
    }

    [Fact]
    public void Score_WithCountedFrequencies_CommonSurnameWeighsLess()
    {
        var plain = new RecordMatcher(DefaultRules.Patient);
        var people = Enumerable.Range(0, 100)
            .Select(i => plain.Prepare(Records.Make(i.ToString(System.Globalization.CultureInfo.InvariantCulture), ("family", [i < 30 ? "Smith" : "Rare" + (char)('A' + (i % 26))]))))
            .ToList();
        var matcher = new RecordMatcher(DefaultRules.Patient, ValueFrequencyTable.Count(plain, people));

        var smith = matcher.Score(people[0], people[1]).Fields[0].Weight;

        Assert.Equal(Math.Log2(0.8 / 0.3), smith, 10);
        Assert.True(smith < plain.Score(people[0], people[1]).Fields[0].Weight);
    }
}
