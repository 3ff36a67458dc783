using FhirMh.Registries.ClientRegistry;
using FhirMh.Registries.Matching;

namespace FhirMh.Registries.Tests.Matching;

public class BlockingKeysTests
{
    private static readonly RecordMatcher Matcher = new(DefaultRules.Patient);

    [Fact]
    public void BlockingKeys_FullRecord_OneKeyPerPassInPassOrder()
    {
        var record = Matcher.Prepare(Records.Make(
            "a",
            ("family", ["Smith"]),
            ("given", ["John"]),
            ("birthDate", ["1980-05-17"]),
            ("postcode", ["2000"]),
            ("phone", ["+61 2 9876 5432"]),
            ("identifier", ["urn:mrn|A-123"])));

        var keys = Matcher.BlockingKeys(record);

        // Soundex SMITH = S530 (US National Archives rules); NYSIIS SMITH = SNAT, JOHN = JAN.
        Assert.Equal(
            [
                "phoneticName:SNAT|JAN",
                "birthDate:19800517",
                "yearGivenPostcode:1980|J|2000",
                "postcodeFamily:2000|S",
                "phone:98765432",
                "identifier:urn:mrn|A123",
                "familyYear:S530|1980",
            ],
            keys);
    }

    [Fact]
    public void BlockingKeys_MissingPart_SkipsPass()
    {
        var record = Matcher.Prepare(Records.Make("a", ("family", ["Smith"]), ("given", ["John"])));

        Assert.Equal(["phoneticName:SNAT|JAN"], Matcher.BlockingKeys(record));
    }

    [Fact]
    public void BlockingKeys_SeveralValues_CrossProductSortedAndCapped()
    {
        var given = Enumerable.Range(0, 12).Select(i => "Given" + (char)('A' + i)).ToArray();
        var record = Matcher.Prepare(Records.Make("a", ("family", ["Smith", "Jones"]), ("given", given)));

        var keys = Matcher.BlockingKeys(record);

        Assert.Equal(RecordMatcher.MaxKeysPerPass, keys.Count);
        Assert.All(keys, k => Assert.StartsWith("phoneticName:JAN|", k, StringComparison.Ordinal));
        Assert.Equal(keys, Matcher.BlockingKeys(Matcher.Prepare(Records.Make("b", ("family", ["Jones", "Smith"]), ("given", given.Reverse().ToArray())))));
    }

    [Fact]
    public void BlockingKeys_SpellingVariants_SharePhoneticKeys()
    {
        var a = Matcher.Prepare(Records.Make("a", ("family", ["Smith"]), ("given", ["John"]), ("birthDate", ["1980-05-17"])));
        var b = Matcher.Prepare(Records.Make("b", ("family", ["Smithe"]), ("given", ["Jon"]), ("birthDate", ["1980-05-17"])));

        var shared = Matcher.BlockingKeys(a).Intersect(Matcher.BlockingKeys(b)).ToArray();

        Assert.Contains("birthDate:19800517", shared);
        Assert.Contains("phoneticName:SNAT|JAN", shared);
        Assert.Contains("familyYear:S530|1980", shared);
    }
}
