using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// ValueSet/$validate-code (valueset-operation-validate-code.html), and codes of code systems
/// the server holds no content of (LOINC, SNOMED CT), checked for syntax only.
/// </summary>
public abstract class TerminologyValidateCodeTests(StorageFixture fixture)
{
    private const string Gender = "http://hl7.org/fhir/ValueSet/administrative-gender";
    private const string GenderSystem = "http://hl7.org/fhir/administrative-gender";

    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task ValidateCode_CodeInTheValueSet_IsTrueWithItsDisplay()
    {
        var result = await _client.GetOkAsync($"ValueSet/$validate-code?url={Gender}&system={GenderSystem}&code=female");

        Assert.Equal("true", result.Output("result"));
        Assert.Equal("Female", result.Output("display"));
        Assert.Equal(["result", "display"], result["parameter"]!.AsArray().Select(p => (string)p!["name"]!));
    }

    [Fact]
    public async Task ValidateCode_CodeNotInTheValueSet_IsFalseWithAMessage()
    {
        var result = await _client.GetOkAsync($"ValueSet/$validate-code?url={Gender}&system={GenderSystem}&code=woman");

        Assert.Equal("false", result.Output("result"));
        Assert.Contains("woman", result.Output("message"));
    }

    [Fact]
    public async Task ValidateCode_CodeableConceptOnTheInstance_IsTrueWhenOneCodingIsIn()
    {
        var system = TerminologyContent.NewUrl("CodeSystem", "mood");
        await _client.CreateAsync(TerminologyContent.MoodCodeSystem(system));
        var id = await _client.CreateAsync(TerminologyContent.ValueSetOf(TerminologyContent.NewUrl("ValueSet", "mood"), system));
        var concept = new JsonObject
        {
            ["coding"] = new JsonArray(
                new JsonObject { ["system"] = "https://example.org/elsewhere", ["code"] = "x" },
                new JsonObject { ["system"] = system, ["code"] = "panic" }),
        };

        var result = await _client.PostOkAsync($"ValueSet/{id}/$validate-code", TerminologyContent.Parameters(("codeableConcept", "valueCodeableConcept", concept)));

        Assert.Equal("true", result.Output("result"));
        Assert.Equal("Panic disorder", result.Output("display"));
    }

    [Theory]
    [InlineData($"ValueSet/$validate-code?url={Gender}", "code")]
    [InlineData($"ValueSet/$validate-code?url={Gender}&code=male", "system")]
    [InlineData($"ValueSet/$validate-code?system={GenderSystem}&code=male", "url")]
    [InlineData($"ValueSet/$validate-code?url={Gender}&coding=male", "coding")]
    public async Task ValidateCode_MissingParameter_Returns400NamingIt(string relative, string parameter)
    {
        var issue = await _client.IssueAsync(relative, HttpStatusCode.BadRequest);

        Assert.Equal(parameter, (string?)issue["expression"]![0]);
    }

    [Theory]
    [InlineData("44261-6", "true")]
    [InlineData("LA6568-5", "true")]
    [InlineData("44261-7", "false")] // wrong mod 10 check digit
    [InlineData("PHQ-9", "false")]
    public async Task ValidateCode_AllOfLoinc_ChecksTheSyntaxOnly(string code, string expected)
    {
        var url = await CreateValueSetAsync(new JsonObject { ["system"] = "http://loinc.org" });

        var result = await _client.GetOkAsync($"ValueSet/$validate-code?url={url}&system=http://loinc.org&code={code}");

        Assert.Equal(expected, result.Output("result"));
        if (expected == "true")
        {
            Assert.StartsWith("Checked for system and syntax only", result.Output("message"));
        }
    }

    [Theory]
    [InlineData("35489007", "true")]
    [InlineData("35489008", "false")] // wrong Verhoeff check digit
    public async Task ValidateCode_SnomedCtFilter_ChecksTheSyntaxOnly(string code, string expected)
    {
        var url = await CreateValueSetAsync(new JsonObject
        {
            ["system"] = "http://snomed.info/sct",
            ["filter"] = new JsonArray(new JsonObject { ["property"] = "concept", ["op"] = "is-a", ["value"] = "404684003" }),
        });

        var result = await _client.GetOkAsync($"ValueSet/$validate-code?url={url}&system=http://snomed.info/sct&code={code}");

        Assert.Equal(expected, result.Output("result"));
    }

    [Theory]
    [InlineData("44261-6", "true")]
    [InlineData("70274-6", "false")] // a valid LOINC code, but not one the value set lists
    public async Task ValidateCode_ListedLoincCodes_AreCheckedAgainstTheList(string code, string expected)
    {
        var url = await CreateValueSetAsync(new JsonObject
        {
            ["system"] = "http://loinc.org",
            ["concept"] = new JsonArray(new JsonObject { ["code"] = "44261-6", ["display"] = "PHQ-9 total score" }),
        });

        var result = await _client.GetOkAsync($"ValueSet/$validate-code?url={url}&system=http://loinc.org&code={code}");

        Assert.Equal(expected, result.Output("result"));
        Assert.DoesNotContain("syntax only", result.Output("message") ?? string.Empty);
    }

    [Fact]
    public async Task Write_CodeOfACodeSystemNotHeld_GetsAnInformationalNote()
    {
        // Attachment.contentType is bound (required) to mimetypes, all of urn:ietf:bcp:13.
        var patient = new JsonObject
        {
            ["resourceType"] = "Patient",
            ["photo"] = new JsonArray(new JsonObject { ["contentType"] = "image/png", ["data"] = "iVBORw0KGgo=" }),
        };

        using var response = await _client.SendWithHeaderAsync(HttpMethod.Post, "/fhir/Patient", patient, "Prefer", "return=OperationOutcome");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var issue = (await response.BodyAsync())["issue"]!.AsArray().Single(i => (string?)i!["expression"]?[0] == "Patient.photo[0].contentType[0]")!;
        Assert.Equal("information", (string?)issue["severity"]);
        Assert.StartsWith("Checked for system and syntax only", (string?)issue["diagnostics"]);
    }

    private async Task<string> CreateValueSetAsync(JsonObject include)
    {
        var url = TerminologyContent.NewUrl("ValueSet", "external");
        await _client.CreateAsync(new JsonObject
        {
            ["resourceType"] = "ValueSet",
            ["url"] = url,
            ["status"] = "active",
            ["compose"] = new JsonObject { ["include"] = new JsonArray(include) },
        });
        return url;
    }
}

public sealed class SqliteTerminologyValidateCodeTests(SqliteFixture fixture) : TerminologyValidateCodeTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresTerminologyValidateCodeTests(PostgresFixture fixture) : TerminologyValidateCodeTests(fixture), IClassFixture<PostgresFixture>;
