using FhirMh.Registries.Matching;

namespace FhirMh.Registries.Tests.Matching;

public class StringSimilarityTests
{
    // Reference values from Winkler (1990), "String Comparator Metrics and Enhanced Decision Rules
    // in the Fellegi-Sunter Model of Record Linkage", as repeated on Wikipedia's Jaro-Winkler page.
    [Theory]
    [InlineData("MARTHA", "MARHTA", 0.961)]
    [InlineData("DWAYNE", "DUANE", 0.840)]
    [InlineData("DIXON", "DICKSONX", 0.813)]
    [InlineData("SMITH", "SMITH", 1.0)]
    [InlineData("ABC", "XYZ", 0.0)]
    public void JaroWinkler_ReferencePairs_MatchPublishedValues(string a, string b, double expected)
    {
        Assert.Equal(expected, StringSimilarity.JaroWinkler(a, b), 3);
    }

    [Fact]
    public void Jaro_MarthaMarhta_Is0944()
    {
        // Jaro (1989) example: 6 matches, 1 transposition -> (1 + 1 + 5/6) / 3.
        Assert.Equal(0.944, StringSimilarity.Jaro("MARTHA", "MARHTA"), 3);
    }

    [Theory]
    [InlineData("KITTEN", "SITTING", 3)]
    [InlineData("FLAW", "LAWN", 2)]
    [InlineData("", "ABC", 3)]
    [InlineData("SAME", "SAME", 0)]
    public void Levenshtein_ClassicPairs_GivesDistance(string a, string b, int expected)
    {
        Assert.Equal(expected, StringSimilarity.Levenshtein(a, b));
    }

    [Theory]
    [InlineData("CA", "AC", 1)]
    [InlineData("CA", "ABC", 3)] // optimal string alignment does not edit a substring twice (true Damerau gives 2)
    [InlineData("1234567", "1243567", 1)]
    [InlineData("1234567", "1234568", 1)]
    [InlineData("1234567", "7654321", 6)]
    public void DamerauLevenshtein_Pairs_CountsAdjacentTranspositionAsOne(string a, string b, int expected)
    {
        Assert.Equal(expected, StringSimilarity.DamerauLevenshtein(a, b));
    }

    [Theory]
    [InlineData("4570", "4507", 0.75)]
    [InlineData("4570", "4570", 1.0)]
    [InlineData("", "", 1.0)]
    [InlineData("ab", "", 0.0)]
    public void DamerauLevenshteinSimilarity_Pairs_IsOneLessDistanceOverLongerLength(string a, string b, double expected)
    {
        Assert.Equal(expected, StringSimilarity.DamerauLevenshteinSimilarity(a, b), 1e-9);
    }

    [Theory]
    [InlineData("19800517", "19800518", true)]
    [InlineData("19800517", "19805017", true)]
    [InlineData("19800517", "19800715", false)]
    [InlineData("19800517", "19800571", true)]
    [InlineData("19800517", "19800517", false)]
    [InlineData("19800517", "1980051", false)]
    [InlineData("19800517", "19810518", false)]
    public void IsOneTypo_Pairs_AcceptsOneDigitOrAdjacentSwap(string a, string b, bool expected)
    {
        Assert.Equal(expected, StringSimilarity.IsOneTypo(a, b));
    }
}
