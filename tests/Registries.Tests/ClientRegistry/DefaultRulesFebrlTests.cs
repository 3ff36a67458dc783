using System.Globalization;
using FhirMh.Registries.ClientRegistry;
using FhirMh.Registries.Matching;
using Xunit.Abstractions;

namespace FhirMh.Registries.Tests.ClientRegistry;

/// <summary>
/// Sanity of the default Patient rules on FEBRL dataset 4 (4a: 5,000 originals; 4b: one corrupted
/// duplicate of each; see ../shared/data/febrl/README.md): rec-N-org and rec-N-dup-0 are the same person.
/// </summary>
public class DefaultRulesFebrlTests(ITestOutputHelper output)
{
    private static readonly RecordMatcher Matcher = new(DefaultRules.Patient);

    private static readonly Lazy<(List<PreparedRecord> Originals, Dictionary<string, PreparedRecord> Duplicates)> Data = new(() =>
    {
        var originals = Febrl.Read("dataset4a.csv").Values
            .Select(Matcher.Prepare)
            .OrderBy(r => int.Parse(Febrl.Person(r.Id), CultureInfo.InvariantCulture))
            .ToList();
        var duplicates = Febrl.Read("dataset4b.csv").Values
            .Select(Matcher.Prepare)
            .ToDictionary(r => Febrl.Person(r.Id), StringComparer.Ordinal);
        return (originals, duplicates);
    });

    private static PreparedRecord Original(string person) => Data.Value.Originals.Single(r => Febrl.Person(r.Id) == person);

    [Theory]
    [InlineData("1070")]
    [InlineData("1016")]
    [InlineData("561")] // duplicate lacks the surname and has "light setreet"
    [InlineData("2642")]
    [InlineData("0")]
    [InlineData("4999")]
    public void DefaultRules_KnownTruePair_IsMatch(string person)
    {
        var score = Matcher.Score(Original(person), Data.Value.Duplicates[person]);

        Assert.Equal(MatchOutcome.Match, score.Outcome);
    }

    [Theory]
    [InlineData("1070", "1016")]
    [InlineData("561", "2642")]
    [InlineData("0", "4999")]
    [InlineData("10", "11")]
    public void DefaultRules_UnrelatedPair_IsNonMatch(string left, string right)
    {
        var score = Matcher.Score(Original(left), Data.Value.Duplicates[right]);

        Assert.Equal(MatchOutcome.NonMatch, score.Outcome);
    }

    [Fact]
    public void DefaultRules_Dataset4WithBlocking_LinksNearlyAllTruePairsAndNoOthers()
    {
        var (originals, duplicates) = Data.Value;
        var rules = DefaultRules.Patient;
        var index = duplicates.Values
            .SelectMany(d => Matcher.BlockingKeys(d).Select(k => (Key: k, Record: d)))
            .ToLookup(p => p.Key, p => p.Record, StringComparer.Ordinal);
        int candidates = 0, trueLinked = 0, falseLinked = 0, falseReview = 0;
        foreach (var original in originals)
        {
            foreach (var duplicate in Matcher.BlockingKeys(original).SelectMany(k => index[k].Take(rules.BlockSizeCap)).Distinct())
            {
                candidates++;
                var outcome = Matcher.Score(original, duplicate).Outcome;
                var isTrue = Febrl.Person(duplicate.Id) == Febrl.Person(original.Id);
                trueLinked += isTrue && outcome == MatchOutcome.Match ? 1 : 0;
                falseLinked += !isTrue && outcome == MatchOutcome.Match ? 1 : 0;
                falseReview += !isTrue && outcome == MatchOutcome.PossibleMatch ? 1 : 0;
            }
        }

        output.WriteLine($"candidates {candidates}, true pairs linked {trueLinked} of {originals.Count}, false links {falseLinked}, false reviews {falseReview}");
        Assert.True(trueLinked >= 0.99 * originals.Count, $"only {trueLinked} of {originals.Count} true pairs linked");
        Assert.Equal(0, falseLinked);
    }
}
