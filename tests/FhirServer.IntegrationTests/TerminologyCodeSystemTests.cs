using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// CodeSystem/$lookup, $subsumes and $validate-code (codesystem-operation-lookup.html,
/// codesystem-operation-subsumes.html, codesystem-operation-validate-code.html).
/// </summary>
public abstract class TerminologyCodeSystemTests(StorageFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task Lookup_NestedCode_GivesDisplayParentAndChild()
    {
        var (system, _) = await CreateMoodAsync();

        var result = await _client.GetOkAsync($"CodeSystem/$lookup?system={system}&code=depression");

        Assert.Equal("MoodTest", result.Output("name"));
        Assert.Equal("1", result.Output("version"));
        Assert.Equal("Depressive disorder", result.Output("display"));
        Assert.Equal([("parent", "disorder"), ("child", "major-depression")], Properties(result));
    }

    [Fact]
    public async Task Lookup_CodingWithParentProperty_GivesDefinitionDesignationAndParent()
    {
        var (system, _) = await CreateMoodAsync();
        var coding = new JsonObject { ["system"] = system, ["code"] = "panic" };

        var result = await _client.PostOkAsync("CodeSystem/$lookup", TerminologyContent.Parameters(("coding", "valueCoding", coding)));

        Assert.Equal("Panic disorder", result.Output("display"));
        Assert.Equal([("definition", "Recurrent unexpected panic attacks."), ("parent", "anxiety")], Properties(result));
        var designation = Assert.Single(result.Outputs("designation"));
        Assert.Equal("Trouble panique", (string?)designation["part"]!.AsArray().Single(p => (string?)p!["name"] == "value")!["valueString"]);
    }

    [Fact]
    public async Task Lookup_PackageCode_GivesItsDisplayAndVersion()
    {
        var result = await _client.GetOkAsync("CodeSystem/$lookup?system=https://fhirmh.org/fhir/CodeSystem/score-severity&code=moderately-severe");

        Assert.Equal("Moderately severe", result.Output("display"));
        Assert.Equal("0.1.0", result.Output("version"));
    }

    [Fact]
    public async Task Lookup_UnknownCode_Returns404NamingTheCode()
    {
        var (system, _) = await CreateMoodAsync();

        var issue = await _client.IssueAsync($"CodeSystem/$lookup?system={system}&code=melancholy", HttpStatusCode.NotFound);

        Assert.Equal("not-found", (string?)issue["code"]);
        Assert.Equal("code", (string?)issue["expression"]![0]);
    }

    [Fact]
    public async Task Lookup_UnknownSystem_Returns404()
    {
        var issue = await _client.IssueAsync($"CodeSystem/$lookup?system={TerminologyContent.NewUrl("CodeSystem", "none")}&code=x", HttpStatusCode.NotFound);

        Assert.Equal("system", (string?)issue["expression"]![0]);
    }

    [Theory]
    [InlineData("CodeSystem/$lookup?system=http://hl7.org/fhir/administrative-gender", "code")]
    [InlineData("CodeSystem/$lookup?code=male", "system")]
    [InlineData("CodeSystem/$subsumes?system=http://hl7.org/fhir/administrative-gender&codeA=male", "codeB")]
    [InlineData("CodeSystem/$validate-code?url=http://hl7.org/fhir/administrative-gender", "code")]
    public async Task Operation_MissingParameter_Returns400NamingIt(string relative, string parameter)
    {
        var issue = await _client.IssueAsync(relative, HttpStatusCode.BadRequest);

        Assert.Equal(parameter, (string?)issue["expression"]![0]);
    }

    [Theory]
    [InlineData("depression", "depression", "equivalent")]
    [InlineData("disorder", "major-depression", "subsumes")]
    [InlineData("major-depression", "disorder", "subsumed-by")]
    [InlineData("anxiety", "panic", "subsumes")] // by panic's parent property
    [InlineData("bipolar", "depression", "not-subsumed")]
    [InlineData("panic", "disorder", "not-subsumed")]
    public async Task Subsumes_TwoCodes_GivesTheirRelation(string codeA, string codeB, string outcome)
    {
        var (system, _) = await CreateMoodAsync();

        var result = await _client.GetOkAsync($"CodeSystem/$subsumes?system={system}&codeA={codeA}&codeB={codeB}");

        Assert.Equal(outcome, result.Output("outcome"));
    }

    [Fact]
    public async Task Subsumes_CodingsOnTheInstance_GivesTheirRelation()
    {
        var (system, id) = await CreateMoodAsync();
        var parameters = TerminologyContent.Parameters(
            ("codingA", "valueCoding", new JsonObject { ["system"] = system, ["code"] = "depression" }),
            ("codingB", "valueCoding", new JsonObject { ["system"] = system, ["code"] = "major-depression" }));

        var result = await _client.PostOkAsync($"CodeSystem/{id}/$subsumes", parameters);

        Assert.Equal("subsumes", result.Output("outcome"));
    }

    [Fact]
    public async Task Subsumes_UnknownCode_Returns404NamingIt()
    {
        var (system, _) = await CreateMoodAsync();

        var issue = await _client.IssueAsync($"CodeSystem/$subsumes?system={system}&codeA=disorder&codeB=melancholy", HttpStatusCode.NotFound);

        Assert.Equal("codeB", (string?)issue["expression"]![0]);
    }

    [Fact]
    public async Task ValidateCode_CodeOfTheSystem_IsTrueWithItsDisplay()
    {
        var (system, _) = await CreateMoodAsync();

        var result = await _client.GetOkAsync($"CodeSystem/$validate-code?url={system}&code=bipolar");

        Assert.Equal("true", result.Output("result"));
        Assert.Equal("Bipolar disorder", result.Output("display"));
    }

    [Fact]
    public async Task ValidateCode_CodeNotInTheSystem_IsFalseWithAMessage()
    {
        var (_, id) = await CreateMoodAsync();

        var result = await _client.GetOkAsync($"CodeSystem/{id}/$validate-code?code=melancholy");

        Assert.Equal("false", result.Output("result"));
        Assert.Contains("melancholy", result.Output("message"));
    }

    private async Task<(string System, string Id)> CreateMoodAsync()
    {
        var system = TerminologyContent.NewUrl("CodeSystem", "mood");
        return (system, await _client.CreateAsync(TerminologyContent.MoodCodeSystem(system)));
    }

    private static List<(string, string)> Properties(JsonObject result) =>
        result.Outputs("property")
            .Select(p => p["part"]!.AsArray())
            .Select(parts => (
                (string)parts.Single(x => (string?)x!["name"] == "code")!["valueCode"]!,
                parts.Single(x => (string?)x!["name"] == "value")!.AsObject().Single(x => x.Key.StartsWith("value", StringComparison.Ordinal)).Value!.ToString()))
            .ToList();
}

public sealed class SqliteTerminologyCodeSystemTests(SqliteFixture fixture) : TerminologyCodeSystemTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresTerminologyCodeSystemTests(PostgresFixture fixture) : TerminologyCodeSystemTests(fixture), IClassFixture<PostgresFixture>;
