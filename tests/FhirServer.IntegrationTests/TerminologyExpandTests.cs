using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>ValueSet/$expand (valueset-operation-expand.html).</summary>
public abstract class TerminologyExpandTests(StorageFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task Expand_PackageValueSet_ListsTheCodeSystem()
    {
        var expanded = await _client.GetOkAsync("ValueSet/$expand?url=https://fhirmh.org/fhir/ValueSet/score-severity");

        Assert.Equal(["none-minimal", "mild", "moderate", "moderately-severe", "severe"], expanded.Codes());
        Assert.Equal(5, (int)expanded["expansion"]!["total"]!);
    }

    [Fact]
    public async Task Expand_CoreValueSet_ListsTheCodeSystem()
    {
        var expanded = await _client.GetOkAsync("ValueSet/$expand?url=http://hl7.org/fhir/ValueSet/administrative-gender&valueSetVersion=4.0.1");

        Assert.Equal(["male", "female", "other", "unknown"], expanded.Codes());
    }

    [Fact]
    public async Task Expand_PostedValueSetOfPostedCodeSystem_ListsEveryCode()
    {
        var (valueSetUrl, _) = await CreateMoodAsync();

        var expanded = await _client.GetOkAsync($"ValueSet/$expand?url={valueSetUrl}");

        Assert.Equal(TerminologyContent.MoodCodes, expanded.Codes());
        Assert.Equal(6, (int)expanded["expansion"]!["total"]!);
    }

    [Fact]
    public async Task Expand_Instance_ExpandsTheStoredValueSet()
    {
        var (_, id) = await CreateMoodAsync();

        var expanded = await _client.GetOkAsync($"ValueSet/{id}/$expand");

        Assert.Equal(TerminologyContent.MoodCodes, expanded.Codes());
    }

    [Fact]
    public async Task Expand_ValueSetInParameters_ExpandsIt()
    {
        var valueSet = TerminologyContent.ValueSetOf(TerminologyContent.NewUrl("ValueSet", "gender"), "http://hl7.org/fhir/administrative-gender");

        var expanded = await _client.PostOkAsync("ValueSet/$expand", TerminologyContent.Parameters(("valueSet", "resource", valueSet), ("filter", "valueString", "fem")));

        Assert.Equal(["female"], expanded.Codes());
    }

    [Fact]
    public async Task Expand_Filter_MatchesTheStartOfDisplayWordsAndEchoesIt()
    {
        var (valueSetUrl, _) = await CreateMoodAsync();

        var expanded = await _client.GetOkAsync($"ValueSet/$expand?url={valueSetUrl}&filter=DEPRESS");

        Assert.Equal(["depression", "major-depression"], expanded.Codes());
        Assert.Equal(2, (int)expanded["expansion"]!["total"]!);
        Assert.Equal("DEPRESS", (string?)Parameter(expanded, "filter")!["valueString"]);
    }

    [Fact]
    public async Task Expand_CountAndOffset_PageTheFlatExpansion()
    {
        var (valueSetUrl, _) = await CreateMoodAsync();

        var page = await _client.GetOkAsync($"ValueSet/$expand?url={valueSetUrl}&offset=1&count=2");

        Assert.Equal(["depression", "major-depression"], page.Codes());
        Assert.Equal(6, (int)page["expansion"]!["total"]!);
        Assert.Equal(1, (int)page["expansion"]!["offset"]!);
        Assert.Equal(2, (int)Parameter(page, "count")!["valueInteger"]!);
        Assert.Equal(1, (int)Parameter(page, "offset")!["valueInteger"]!);
        Assert.All(page["expansion"]!["contains"]!.AsArray(), c => Assert.Null(c!["contains"]));
    }

    [Fact]
    public async Task Expand_ValueSetOfAllLoinc_Returns422NotSupported()
    {
        var issue = await _client.IssueAsync("ValueSet/$expand?url=http://hl7.org/fhir/ValueSet/observation-codes", HttpStatusCode.UnprocessableEntity);

        Assert.Equal("not-supported", (string?)issue["code"]);
        Assert.Contains("http://loinc.org", (string?)issue["diagnostics"]);
    }

    [Fact]
    public async Task Expand_UnknownValueSet_Returns404()
    {
        var issue = await _client.IssueAsync($"ValueSet/$expand?url={TerminologyContent.NewUrl("ValueSet", "nothing")}", HttpStatusCode.NotFound);

        Assert.Equal("url", (string?)issue["expression"]![0]);
    }

    [Theory]
    [InlineData("ValueSet/$expand", "url")]
    [InlineData("ValueSet/$expand?url=http://hl7.org/fhir/ValueSet/administrative-gender&count=-1", "count")]
    [InlineData("ValueSet/$expand?url=http://hl7.org/fhir/ValueSet/administrative-gender&excludeNested=yes", "excludeNested")]
    public async Task Expand_MissingOrMalformedParameter_Returns400NamingIt(string relative, string parameter)
    {
        var issue = await _client.IssueAsync(relative, HttpStatusCode.BadRequest);

        Assert.Equal(parameter, (string?)issue["expression"]![0]);
    }

    private async Task<(string ValueSetUrl, string ValueSetId)> CreateMoodAsync()
    {
        var codeSystemUrl = TerminologyContent.NewUrl("CodeSystem", "mood");
        var valueSetUrl = TerminologyContent.NewUrl("ValueSet", "mood");
        await _client.CreateAsync(TerminologyContent.MoodCodeSystem(codeSystemUrl));
        var id = await _client.CreateAsync(TerminologyContent.ValueSetOf(valueSetUrl, codeSystemUrl));
        return (valueSetUrl, id);
    }

    private static JsonNode? Parameter(JsonObject valueSet, string name) =>
        valueSet["expansion"]!["parameter"]!.AsArray().SingleOrDefault(p => (string?)p!["name"] == name);
}

public sealed class SqliteTerminologyExpandTests(SqliteFixture fixture) : TerminologyExpandTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresTerminologyExpandTests(PostgresFixture fixture) : TerminologyExpandTests(fixture), IClassFixture<PostgresFixture>;
