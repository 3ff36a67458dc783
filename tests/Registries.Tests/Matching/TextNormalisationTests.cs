using FhirMh.Registries.Matching;

namespace FhirMh.Registries.Tests.Matching;

public class TextNormalisationTests
{
    [Theory]
    [InlineData("  Zoë   Ångström-Müller ", "ZOE ANGSTROM MULLER")]
    [InlineData("François", "FRANCOIS")]
    [InlineData("Łukasz Żółć", "LUKASZ ZOLC")]
    [InlineData("Straße", "STRASSE")]
    [InlineData("12 Smith St.", "12 SMITH ST")]
    [InlineData("...", "")]
    public void Normalise_Text_UpperCaseAsciiSingleSpaces(string raw, string expected)
    {
        Assert.Equal(expected, TextNormalisation.Normalise(raw));
    }

    [Theory]
    [InlineData("O'Brien", "OBRIEN")]
    [InlineData("D’Arcy", "DARCY")]
    [InlineData("Smith-Jones", "SMITH JONES")]
    public void NormaliseName_Apostrophes_Join(string raw, string expected)
    {
        Assert.Equal(expected, TextNormalisation.NormaliseName(raw));
    }
}
