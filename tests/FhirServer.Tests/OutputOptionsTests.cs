using FhirMh.FhirServer.Rest;
using Hl7.Fhir.Rest;
using Microsoft.AspNetCore.Http;

namespace FhirMh.FhirServer.Tests;

public sealed class OutputOptionsTests
{
    [Theory]
    [InlineData("return=minimal", "Minimal")]
    [InlineData("return=OperationOutcome", "OperationOutcome")]
    [InlineData("handling=strict, return=representation", "Representation")]
    [InlineData("", "Representation")]
    public void From_PreferHeader_GivesReturnPreference(string prefer, string expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["Prefer"] = prefer;

        Assert.Equal(expected, OutputOptions.From(context.Request).PreferReturn.ToString());
    }

    [Fact]
    public void From_FormatParameterAndAccept_FormatParameterWins()
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?_format=xml");
        context.Request.Headers.Accept = "application/fhir+json";

        Assert.Equal(FhirMh.FhirServer.Rest.ResourceFormat.Xml, OutputOptions.From(context.Request).Format);
    }

    [Fact]
    public void From_SummaryTextAndPretty_GivesFilterAndIndentation()
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?_summary=text&_pretty=true");

        var options = OutputOptions.From(context.Request);

        Assert.Equal(SummaryType.Text, options.Summary);
        Assert.True(options.IsPretty);
        Assert.NotNull(options.Filter);
    }

    [Fact]
    public void Filter_SummaryFalseAndNoElements_IsNull()
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?_summary=false");

        Assert.Null(OutputOptions.From(context.Request).Filter);
    }

    [Fact]
    public void From_UnknownFormat_Throws406()
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?_format=yaml");

        var error = Assert.Throws<FhirException>(() => OutputOptions.From(context.Request));

        Assert.Equal(StatusCodes.Status406NotAcceptable, error.StatusCode);
    }
}
