using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>create, read, vread, update, delete (http.html).</summary>
public abstract class CrudTests(StorageFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task Create_Patient_Returns201WithLocationETagAndLastModified()
    {
        using var response = await _client.PostAsync("/fhir/Patient", Fhir.Json(Fhir.Patient("Lovelace", id: "ignored-by-server")));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.BodyAsync();
        var id = body.Id();
        Assert.NotEqual("ignored-by-server", id);
        Assert.Equal(new Uri($"http://localhost/fhir/Patient/{id}/_history/1"), response.Headers.Location);
        Assert.Equal("W/\"1\"", response.Headers.ETag?.ToString());
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Equal("1", body.VersionId());
        Assert.Equal("Lovelace", (string?)body["name"]![0]!["family"]);
    }

    [Fact]
    public async Task Read_CreatedPatient_ReturnsStoredJsonWithMeta()
    {
        var created = await _client.CreatePatientAsync("Hopper");

        using var response = await _client.GetAsync($"/fhir/Patient/{created.Id()}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/fhir+json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("W/\"1\"", response.Headers.ETag?.ToString());
        var body = await response.BodyAsync();
        Assert.Equal(created.ToJsonString(), body.ToJsonString());
        Assert.NotNull(body["meta"]!["lastUpdated"]);
    }

    [Fact]
    public async Task Read_UnknownId_Returns404OperationOutcome()
    {
        using var response = await _client.GetAsync("/fhir/Patient/does-not-exist");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("not-found", (string?)issue["code"]);
    }

    [Fact]
    public async Task Read_UnknownResourceType_Returns404OperationOutcome()
    {
        using var response = await _client.GetAsync("/fhir/Banana/1");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Contains("Banana", (string?)issue["diagnostics"]);
    }

    [Fact]
    public async Task Update_Twice_IncrementsVersionAndVReadReturnsEachVersion()
    {
        var created = await _client.CreatePatientAsync("Turing");
        var id = created.Id();

        var second = Fhir.Patient("Turing-2", id);
        using var update1 = await _client.PutAsync($"/fhir/Patient/{id}", second, ifMatch: null);
        using var update2 = await _client.PutAsync($"/fhir/Patient/{id}", Fhir.Patient("Turing-3", id), ifMatch: null);

        Assert.Equal(HttpStatusCode.OK, update1.StatusCode);
        Assert.Equal("W/\"2\"", update1.Headers.ETag?.ToString());
        Assert.Equal("W/\"3\"", update2.Headers.ETag?.ToString());
        Assert.Equal(new Uri($"http://localhost/fhir/Patient/{id}/_history/3"), update2.Headers.Location);
        using var v1 = await _client.GetAsync($"/fhir/Patient/{id}/_history/1");
        using var v2 = await _client.GetAsync($"/fhir/Patient/{id}/_history/2");
        using var current = await _client.GetAsync($"/fhir/Patient/{id}");
        Assert.Equal("Turing", (string?)(await v1.BodyAsync())["name"]![0]!["family"]);
        Assert.Equal("Turing-2", (string?)(await v2.BodyAsync())["name"]![0]!["family"]);
        var currentBody = await current.BodyAsync();
        Assert.Equal("3", currentBody.VersionId());
        Assert.Equal("Turing-3", (string?)currentBody["name"]![0]!["family"]);
    }

    [Fact]
    public async Task VRead_UnknownVersion_Returns404()
    {
        var created = await _client.CreatePatientAsync("Noether");

        using var response = await _client.GetAsync($"/fhir/Patient/{created.Id()}/_history/7");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Update_NewClientChosenId_CreatesVersion1With201()
    {
        var id = "client-" + Guid.NewGuid().ToString("N");

        using var response = await _client.PutAsync($"/fhir/Patient/{id}", Fhir.Patient("Curie", id), ifMatch: null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("W/\"1\"", response.Headers.ETag?.ToString());
        using var read = await _client.GetAsync($"/fhir/Patient/{id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task Update_IdInBodyDiffersFromUrl_Returns400AtId()
    {
        var created = await _client.CreatePatientAsync("Meitner");

        using var response = await _client.PutAsync($"/fhir/Patient/{created.Id()}", Fhir.Patient("Meitner", "another-id"), ifMatch: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("Patient.id", (string?)issue["expression"]![0]);
    }

    [Fact]
    public async Task Update_NoIdInBody_Returns400()
    {
        var created = await _client.CreatePatientAsync("Franklin");

        using var response = await _client.PutAsync($"/fhir/Patient/{created.Id()}", Fhir.Patient("Franklin"), ifMatch: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var read = await _client.GetAsync($"/fhir/Patient/{created.Id()}");
        Assert.Equal("1", (await read.BodyAsync()).VersionId());
    }

    [Fact]
    public async Task Create_BodyTypeDiffersFromUrl_Returns400AtResourceType()
    {
        using var response = await _client.PostAsync("/fhir/Observation", Fhir.Json(Fhir.Patient("Germain")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("resourceType", (string?)issue["expression"]![0]);
    }

    [Fact]
    public async Task Delete_ThenRead_Returns410AndVReadOfOldVersionStillWorks()
    {
        var created = await _client.CreatePatientAsync("Lamarr");
        var id = created.Id();

        using var delete = await _client.DeleteAsync($"/fhir/Patient/{id}");
        using var read = await _client.GetAsync($"/fhir/Patient/{id}");
        using var vreadOld = await _client.GetAsync($"/fhir/Patient/{id}/_history/1");
        using var vreadTombstone = await _client.GetAsync($"/fhir/Patient/{id}/_history/2");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal("W/\"2\"", delete.Headers.ETag?.ToString());
        Assert.Equal(HttpStatusCode.Gone, read.StatusCode);
        Assert.Equal("deleted", (string?)(await read.SingleIssueAsync())["code"]);
        Assert.Equal(HttpStatusCode.OK, vreadOld.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, vreadTombstone.StatusCode);
    }

    [Fact]
    public async Task Delete_Twice_SecondSucceedsWithoutANewVersion()
    {
        var created = await _client.CreatePatientAsync("Johnson");
        var id = created.Id();

        using var first = await _client.DeleteAsync($"/fhir/Patient/{id}");
        using var second = await _client.DeleteAsync($"/fhir/Patient/{id}");
        using var history = await _client.GetAsync($"/fhir/Patient/{id}/_history");

        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal(2, (await history.BodyAsync())["entry"]!.AsArray().Count);
    }

    [Fact]
    public async Task Delete_NeverExisted_Returns204()
    {
        using var response = await _client.DeleteAsync("/fhir/Patient/never-" + Guid.NewGuid().ToString("N"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Update_AfterDelete_RecreatesWithNextVersion()
    {
        var created = await _client.CreatePatientAsync("Kovalevskaya");
        var id = created.Id();
        using var delete = await _client.DeleteAsync($"/fhir/Patient/{id}");

        using var update = await _client.PutAsync($"/fhir/Patient/{id}", Fhir.Patient("Kovalevskaya", id), ifMatch: null);

        Assert.Equal(HttpStatusCode.Created, update.StatusCode);
        Assert.Equal("W/\"3\"", update.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task Create_JsonWithByteOrderMark_IsAccepted()
    {
        var utf8 = System.Text.Encoding.UTF8.GetPreamble().Concat(System.Text.Encoding.UTF8.GetBytes(Fhir.Patient("Bom").ToJsonString())).ToArray();
        using var content = new ByteArrayContent(utf8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(Fhir.JsonType);

        using var response = await _client.PostAsync("/fhir/Patient", content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Create_Observation_AnyR4TypeIsServed()
    {
        var observation = new JsonObject
        {
            ["resourceType"] = "Observation",
            ["status"] = "final",
            ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = "44261-6" }) },
            ["valueInteger"] = 12,
        };

        using var create = await _client.PostAsync("/fhir/Observation", Fhir.Json(observation));
        var id = (await create.BodyAsync()).Id();
        using var read = await _client.GetAsync($"/fhir/Observation/{id}");

        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        Assert.Equal(12, (int?)(await read.BodyAsync())["valueInteger"]);
    }
}

public sealed class SqliteCrudTests(SqliteFixture fixture) : CrudTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresCrudTests(PostgresFixture fixture) : CrudTests(fixture), IClassFixture<PostgresFixture>;
