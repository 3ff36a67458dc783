using FhirMh.FhirServer.Validation;

namespace FhirMh.FhirServer.Tests;

/// <summary>
/// Codes and check digits as published by LOINC (loinc.org): PHQ-9 total score 44261-6, GAD-7
/// total score 70274-6, heart rate 8867-4, body weight 29463-7, systolic blood pressure 8480-6,
/// glucose 2339-0; the PHQ-9 answer list LL358-3 and its answer LA6568-5 "Not at all".
/// </summary>
public sealed class LoincCodeTests
{
    [Theory]
    [InlineData("44261-6")]
    [InlineData("70274-6")]
    [InlineData("8867-4")]
    [InlineData("29463-7")]
    [InlineData("8480-6")]
    [InlineData("2339-0")]
    [InlineData("LL358-3")]
    [InlineData("LA6568-5")]
    public void IsValid_PublishedCode_IsTrue(string code) => Assert.True(LoincCode.IsValid(code));

    [Theory]
    [InlineData("44261-7")] // check digit off by one
    [InlineData("44216-6")] // digits transposed
    [InlineData("8867-0")]
    [InlineData("44261")] // no check digit
    [InlineData("44261-")]
    [InlineData("-6")]
    [InlineData("4426 1-6")]
    [InlineData("LX6568-5")]
    [InlineData("LA-5")]
    [InlineData("")]
    public void IsValid_MalformedCode_IsFalse(string code) => Assert.False(LoincCode.IsValid(code));

    [Theory]
    [InlineData("44261", 6)]
    [InlineData("70274", 6)]
    [InlineData("8867", 4)]
    [InlineData("2339", 0)]
    public void CheckDigit_LoincNumber_IsTheMod10Digit(string number, int expected) =>
        Assert.Equal(expected, LoincCode.CheckDigit(number));
}
