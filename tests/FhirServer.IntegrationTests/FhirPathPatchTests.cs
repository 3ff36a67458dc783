using System.Net;
using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Serialization;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>patch with FHIRPath Patch (http://hl7.org/fhir/R4/fhirpatch.html), built with the SDK's client helpers.</summary>
public abstract class FhirPathPatchTests(StorageFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task Replace_CodeValue_ConvertsToTheElementType()
    {
        var id = (await _client.CreatePatientAsync("Ride")).Id();
        var patch = new Parameters();
        patch.AddReplacePatchParameter("Patient.gender", new Code("male"));

        using var response = await PatchAsync(id, patch);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.BodyAsync();
        Assert.Equal("male", (string?)body["gender"]);
        Assert.Equal("2", body.VersionId());
    }

    [Fact]
    public async Task AddInsertMoveDelete_InOneDocument_AppliedInOrder()
    {
        var id = (await _client.CreatePatientAsync("First")).Id();
        var patch = new Parameters();
        patch.AddAddPatchParameter("Patient", "telecom", new ContactPoint(ContactPoint.ContactPointSystem.Phone, null, "+263 77 000 0000"));
        patch.AddInsertPatchParameter("Patient.name", new HumanName { Family = "Second" }, 1);
        patch.AddMovePatchParameter("Patient.name", 1, 0);
        patch.AddDeletePatchParameter("Patient.birthDate");
        patch.AddDeletePatchParameter("Patient.deceased");

        using var response = await PatchAsync(id, patch);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.BodyAsync();
        Assert.Equal("+263 77 000 0000", (string?)body["telecom"]![0]!["value"]);
        Assert.Equal(["Second", "First"], body["name"]!.AsArray().Select(n => (string)n!["family"]!));
        Assert.Null(body["birthDate"]);
    }

    [Fact]
    public async Task Add_ValueGivenAsParts_BuildsTheBackboneElement()
    {
        var id = (await _client.CreatePatientAsync("Parts")).Id();
        var patch = new Parameters();
        patch.Add("operation", [
            Tuple.Create("type", (Base)new Code("add")),
            Tuple.Create("path", (Base)new FhirString("Patient")),
            Tuple.Create("name", (Base)new FhirString("contact"))]);
        patch.Parameter[^1].Part.Add(new Parameters.ParameterComponent
        {
            Name = "value",
            Part = [new Parameters.ParameterComponent { Name = "name", Value = new HumanName { Family = "Kin" } }],
        });

        using var response = await PatchAsync(id, patch);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Kin", (string?)(await response.BodyAsync())["contact"]![0]!["name"]!["family"]);
    }

    [Fact]
    public async Task Replace_PathMatchingSeveralElements_Returns422()
    {
        var id = (await _client.CreatePatientAsync("Twice")).Id();
        var patch = new Parameters();
        patch.AddInsertPatchParameter("Patient.name", new HumanName { Family = "Again" }, 0);
        patch.AddReplacePatchParameter("Patient.name.family", new FhirString("Both"));

        using var response = await PatchAsync(id, patch);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("Parameters.parameter[1]", (string?)(await response.SingleIssueAsync())["expression"]![0]);
    }

    [Fact]
    public async Task Add_SingleElementThatHasAValue_Returns422()
    {
        var id = (await _client.CreatePatientAsync("Born")).Id();
        var patch = new Parameters();
        patch.AddAddPatchParameter("Patient", "birthDate", new Date("1990-01-01"));

        using var response = await PatchAsync(id, patch);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task Replace_ValueOfTheWrongType_Returns422()
    {
        var id = (await _client.CreatePatientAsync("Typed")).Id();
        var patch = new Parameters();
        patch.AddReplacePatchParameter("Patient.birthDate", new HumanName { Family = "NotADate" });

        using var response = await PatchAsync(id, patch);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task Patch_InvalidFhirPath_Returns400()
    {
        var id = (await _client.CreatePatientAsync("Syntax")).Id();
        var patch = new Parameters();
        patch.AddDeletePatchParameter("Patient.name.where(");

        using var response = await PatchAsync(id, patch);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Patch_InXml_IsApplied()
    {
        var id = (await _client.CreatePatientAsync("Xml")).Id();
        var patch = new Parameters();
        patch.AddReplacePatchParameter("Patient.name[0].family", new FhirString("Markup"));
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/fhir/Patient/{id}")
        {
            Content = new StringContent(new FhirXmlSerializer().SerializeToString(patch), Encoding.UTF8, Fhir.XmlType),
        };

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Markup", (string?)(await response.BodyAsync())["name"]![0]!["family"]);
    }

    [Fact]
    public async Task Patch_UnknownFunctionInPath_Returns400()
    {
        var id = (await _client.CreatePatientAsync("Unknown")).Id();
        var patch = new Parameters();
        patch.AddDeletePatchParameter("Patient.name.frobnicate()");

        using var response = await PatchAsync(id, patch);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Patch_PathThatFailsToEvaluate_IsAClientError()
    {
        var id = (await _client.CreatePatientAsync("Cast")).Id();
        var patch = new Parameters();
        patch.AddDeletePatchParameter("Patient.name.take('a')");

        using var response = await PatchAsync(id, patch);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, response.StatusCode.ToString());
        await response.SingleIssueAsync();
    }

    [Fact]
    public async Task Insert_PathSelectingPartOfAList_Returns422()
    {
        var id = (await _client.CreatePatientAsync("Filtered")).Id();
        var patch = new Parameters();
        patch.AddInsertPatchParameter("Patient.name", new HumanName { Family = "Other", Use = HumanName.NameUse.Old }, 1);
        patch.AddInsertPatchParameter("Patient.name.where(use = 'old')", new HumanName { Family = "Third" }, 0);

        using var response = await PatchAsync(id, patch);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task Replace_PathSelectingALiteral_Returns422()
    {
        var id = (await _client.CreatePatientAsync("Literal")).Id();
        var patch = new Parameters();
        patch.AddReplacePatchParameter("'constant'", new FhirString("changed"));

        using var response = await PatchAsync(id, patch);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task Replace_ChoiceElement_AcceptsAllowedTypesOnly()
    {
        using var created = await _client.PostAsync("/fhir/Observation", Fhir.Json("""
            {"resourceType":"Observation","status":"final","code":{"text":"PHQ-9 total"},"valueInteger":12}
            """));
        var id = (await created.BodyAsync()).Id();
        var allowed = new Parameters();
        allowed.AddReplacePatchParameter("Observation.value", new Quantity(14, "{score}"));
        var refused = new Parameters();
        refused.AddReplacePatchParameter("Observation.value", new HumanName { Family = "NotAValue" });

        using var ok = await PatchAsync("Observation", id, allowed);
        using var bad = await PatchAsync("Observation", id, refused);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(14m, (decimal?)(await ok.BodyAsync())["valueQuantity"]!["value"]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
    }

    [Fact]
    public async Task Replace_IntegerIntoDecimal_IsConverted()
    {
        using var created = await _client.PostAsync("/fhir/Observation", Fhir.Json("""
            {"resourceType":"Observation","status":"final","code":{"text":"weight"},"valueQuantity":{"value":70.5,"unit":"kg"}}
            """));
        var id = (await created.BodyAsync()).Id();
        var patch = new Parameters();
        patch.AddReplacePatchParameter("Observation.value.value", new Integer(71));

        using var response = await PatchAsync("Observation", id, patch);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(71m, (decimal?)(await response.BodyAsync())["valueQuantity"]!["value"]);
    }

    private Task<HttpResponseMessage> PatchAsync(string id, Parameters patch) => PatchAsync("Patient", id, patch);

    private async Task<HttpResponseMessage> PatchAsync(string type, string id, Parameters patch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/fhir/{type}/{id}")
        {
            Content = new StringContent(new FhirJsonSerializer().SerializeToString(patch), Encoding.UTF8, Fhir.JsonType),
        };
        return await _client.SendAsync(request);
    }
}

public sealed class SqliteFhirPathPatchTests(SqliteFixture fixture) : FhirPathPatchTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresFhirPathPatchTests(PostgresFixture fixture) : FhirPathPatchTests(fixture), IClassFixture<PostgresFixture>;
