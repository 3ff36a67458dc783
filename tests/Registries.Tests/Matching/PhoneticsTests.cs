using FhirMh.Registries.Matching;

namespace FhirMh.Registries.Tests.Matching;

public class PhoneticsTests
{
    // Examples from the US National Archives, "The Soundex Indexing System" (2007), and Knuth,
    // The Art of Computer Programming vol. 3, section 6 (Robert, Rupert, Ashcraft, Tymczak, Pfister).
    [Theory]
    [InlineData("ROBERT", "R163")]
    [InlineData("RUPERT", "R163")]
    [InlineData("ASHCRAFT", "A261")]
    [InlineData("ASHCROFT", "A261")]
    [InlineData("TYMCZAK", "T522")]
    [InlineData("PFISTER", "P236")]
    [InlineData("HONEYMAN", "H555")]
    [InlineData("LEE", "L000")]
    [InlineData("O BRIEN", "O165")]
    [InlineData("", "")]
    public void Soundex_StandardExamples_GiveCode(string name, string expected)
    {
        Assert.Equal(expected, Phonetics.Soundex(name));
    }

    [Theory]
    [InlineData("JOHNSON", "JONSON")]
    [InlineData("SMITH", "SMITHE")]
    [InlineData("KNIGHT", "NIGHT")]
    [InlineData("PHILLIPS", "FILLIPS")]
    [InlineData("MACDONALD", "MCDONALD")]
    [InlineData("CATHERINE", "KATHERINE")]
    public void Nysiis_SpellingVariants_ShareCode(string a, string b)
    {
        Assert.Equal(Phonetics.Nysiis(a), Phonetics.Nysiis(b));
    }

    [Theory]
    [InlineData("SMITH", "JONES")]
    [InlineData("BROWN", "GREEN")]
    public void Nysiis_DifferentNames_DifferInCode(string a, string b)
    {
        Assert.NotEqual(Phonetics.Nysiis(a), Phonetics.Nysiis(b));
    }

    [Fact]
    public void Nysiis_LongName_CutToSixCharacters()
    {
        Assert.True(Phonetics.Nysiis("WOLFESCHLEGELSTEINHAUSEN").Length <= 6);
    }
}
