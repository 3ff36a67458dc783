using FhirMh.FhirServer.Rest;

namespace FhirMh.FhirServer.Tests;

/// <summary>Expected values follow http.html#mime-type (FHIR R4).</summary>
public sealed class MediaTypesTests
{
    [Theory]
    [InlineData("application/fhir+json", "Json")]
    [InlineData("application/fhir+json; fhirVersion=4.0; charset=utf-8", "Json")]
    [InlineData("application/json", "Json")]
    [InlineData("json", "Json")]
    [InlineData("application/fhir+xml", "Xml")]
    [InlineData("text/xml", "Xml")]
    [InlineData("xml", "Xml")]
    [InlineData("text/turtle", null)]
    [InlineData("", null)]
    public void Recognise_MediaTypeOrShortName_GivesFormat(string value, string? expected) =>
        Assert.Equal(expected, MediaTypes.Recognise(value)?.ToString());

    [Theory]
    [InlineData(null, "Json")]
    [InlineData("*/*", "Json")]
    [InlineData("text/html, application/fhir+xml", "Xml")]
    [InlineData("application/fhir+json;q=0.5, application/fhir+xml;q=0.9", "Xml")]
    [InlineData("application/fhir+xml;q=0, application/json", "Json")]
    [InlineData("text/html", null)]
    public void FromAccept_SeveralRanges_PicksTheBestSupportedType(string? accept, string? expected) =>
        Assert.Equal(expected, MediaTypes.FromAccept(accept)?.ToString());
}
