using FhirMh.FhirServer.Validation;

namespace FhirMh.FhirServer.Tests;

/// <summary>
/// Concept identifiers as published in the SNOMED CT International Edition: myocardial infarction
/// 22298006, depressive disorder 35489007, diabetes mellitus 73211009, clinical finding
/// 404684003, the root concept 138875005, anxiety disorder 197480006, and the metadata concept
/// 900000000000207008 (18 digits).
/// </summary>
public sealed class SnomedCtIdentifierTests
{
    [Theory]
    [InlineData("22298006")]
    [InlineData("35489007")]
    [InlineData("73211009")]
    [InlineData("404684003")]
    [InlineData("138875005")]
    [InlineData("197480006")]
    [InlineData("900000000000207008")]
    public void IsValid_PublishedConceptId_IsTrue(string code) => Assert.True(SnomedCtIdentifier.IsValid(code));

    [Theory]
    [InlineData("35489008")] // check digit off by one
    [InlineData("22298007")]
    [InlineData("35849007")] // digits transposed: Verhoeff catches adjacent transpositions
    [InlineData("12345")] // too short
    [InlineData("9000000000002070081")] // too long
    [InlineData("035489007")] // leading zero
    [InlineData("3548900A")]
    [InlineData("")]
    public void IsValid_MalformedId_IsFalse(string code) => Assert.False(SnomedCtIdentifier.IsValid(code));
}
