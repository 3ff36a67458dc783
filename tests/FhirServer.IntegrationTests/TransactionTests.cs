using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>transaction Bundles (http.html#transaction): all or nothing, in one database transaction.</summary>
public abstract class TransactionTests(StorageFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task Transaction_UrnUuidReferences_AreRewrittenToTheAssignedIds()
    {
        var patientUrn = BundleJson.NewUrn();
        var observation = BundleJson.Observation(patientUrn);
        observation["extension"] = new JsonArray(new JsonObject
        {
            ["url"] = "http://fhirmh.example/StructureDefinition/reported-by",
            ["valueReference"] = new JsonObject { ["reference"] = patientUrn },
        });
        observation["derivedFrom"] = new JsonArray(new JsonObject { ["reference"] = "#phq9" });
        observation["contained"] = new JsonArray(new JsonObject
        {
            ["resourceType"] = "QuestionnaireResponse",
            ["id"] = "phq9",
            ["status"] = "completed",
            ["subject"] = new JsonObject { ["reference"] = patientUrn },
        });
        var bundle = BundleJson.Of(
            "transaction",
            BundleJson.Entry("POST", "Observation", observation, fullUrl: BundleJson.NewUrn()),
            BundleJson.Entry("POST", "Patient", Fhir.Patient("Referenced"), fullUrl: patientUrn));

        using var response = await _client.PostBundleAsync(bundle);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.BodyAsync();
        Assert.Equal("transaction-response", (string?)result["type"]);
        var entries = result.Entries();
        Assert.Equal(["201 Created", "201 Created"], entries.Select(e => e.Status()));
        var patientId = entries[1].LocationId();
        using var read = await _client.GetAsync($"/fhir/Observation/{entries[0].LocationId()}");
        var stored = await read.BodyAsync();
        Assert.Equal($"Patient/{patientId}", (string?)stored["subject"]!["reference"]);
        Assert.Equal($"Patient/{patientId}", (string?)stored["extension"]![0]!["valueReference"]!["reference"]);
        Assert.Equal($"Patient/{patientId}", (string?)stored["contained"]![0]!["subject"]!["reference"]);
        Assert.Equal("#phq9", (string?)stored["derivedFrom"]![0]!["reference"]);
        using var patient = await _client.GetAsync($"/fhir/Patient/{patientId}");
        Assert.Equal(HttpStatusCode.OK, patient.StatusCode);
    }

    [Fact]
    public async Task Transaction_ResponseEntries_CarryLocationEtagLastModifiedInRequestOrder()
    {
        var existing = (await _client.CreatePatientAsync("Responded")).Id();
        var bundle = BundleJson.Of(
            "transaction",
            BundleJson.Entry("PUT", $"Patient/{existing}", Fhir.Patient("Responded-2", existing)),
            BundleJson.Entry("POST", "Patient", Fhir.Patient("Responded-new")),
            BundleJson.Entry("GET", $"Patient/{existing}"),
            BundleJson.Entry("DELETE", $"Patient/{(await _client.CreatePatientAsync("Responded-gone")).Id()}"));

        using var response = await _client.PostBundleAsync(bundle, prefer: "return=minimal");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = (await response.BodyAsync()).Entries();
        Assert.Equal(["200 OK", "201 Created", "200 OK", "204 No Content"], entries.Select(e => e.Status()));
        Assert.Equal($"Patient/{existing}/_history/2", (string?)entries[0]["response"]!["location"]);
        Assert.Equal("W/\"2\"", (string?)entries[0]["response"]!["etag"]);
        Assert.Equal($"http://localhost/fhir/Patient/{existing}", (string?)entries[0]["fullUrl"]);
        Assert.Null(entries[0]["resource"]);
        var created = entries[1].LocationId();
        Assert.Equal($"Patient/{created}/_history/1", (string?)entries[1]["response"]!["location"]);
        Assert.Equal("W/\"1\"", (string?)entries[1]["response"]!["etag"]);
        using var read = await _client.GetAsync($"/fhir/Patient/{created}");
        var stored = await read.BodyAsync();
        Assert.Equal(
            DateTimeOffset.Parse((string)stored["meta"]!["lastUpdated"]!, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse((string)entries[1]["response"]!["lastModified"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("Responded-2", (string?)entries[2]["resource"]!["name"]![0]!["family"]);
        Assert.Equal("W/\"2\"", (string?)entries[3]["response"]!["etag"]);
    }

    [Fact]
    public async Task Transaction_PreferRepresentation_ReturnsEachWrittenResource()
    {
        var bundle = BundleJson.Of("transaction", BundleJson.Entry("POST", "Patient", Fhir.Patient("Represented")));

        using var response = await _client.PostBundleAsync(bundle, prefer: "return=representation");

        var entry = Assert.Single((await response.BodyAsync()).Entries());
        Assert.Equal(entry.LocationId(), (string?)entry["resource"]!["id"]);
        Assert.Equal("1", (string?)entry["resource"]!["meta"]!["versionId"]);
    }

    [Fact]
    public async Task Transaction_DeleteAndPost_DeleteIsProcessedFirst()
    {
        var doomed = (await _client.CreatePatientAsync("Ordered-doomed")).Id();
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var bundle = BundleJson.Of(
            "transaction",
            BundleJson.Entry("POST", "Patient", Fhir.Patient("Ordered-new")),
            BundleJson.Entry("DELETE", $"Patient/{doomed}"));

        using var response = await _client.PostBundleAsync(bundle);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = (await response.BodyAsync()).Entries();
        Assert.Equal(["201 Created", "204 No Content"], entries.Select(e => e.Status()));
        var created = entries[0].LocationId();

        // History is newest first, so the create (processed second) comes before the delete.
        using var history = await _client.GetAsync($"/fhir/Patient/_history?_since={Uri.EscapeDataString(since.ToString("o"))}");
        var written = (await history.BodyAsync()).Entries()
            .Select(e => ((string)e["fullUrl"]!).Split('/')[^1] + " " + (string)e["request"]!["method"]!)
            .Where(e => e == $"{created} POST" || e == $"{doomed} DELETE")
            .ToList();
        Assert.Equal([$"{created} POST", $"{doomed} DELETE"], written);
    }

    [Fact]
    public async Task Transaction_GetListedBeforeAWrite_SeesTheWriteOfTheSameBundle()
    {
        var id = "seen-" + Guid.NewGuid().ToString("N");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var family = "Visible-" + Guid.NewGuid().ToString("N");
        var bundle = BundleJson.Of(
            "transaction",
            BundleJson.Entry("GET", $"Patient/{id}"),
            BundleJson.Entry("GET", $"Patient/_history?_since={Uri.EscapeDataString(since.ToString("o"))}"),
            BundleJson.Entry("PUT", $"Patient/{id}", Fhir.Patient("Seen", id)),
            BundleJson.Entry("POST", "Patient", Fhir.Patient(family)));

        using var response = await _client.PostBundleAsync(bundle);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = (await response.BodyAsync()).Entries();
        Assert.Equal(["200 OK", "200 OK", "201 Created", "201 Created"], entries.Select(e => e.Status()));
        Assert.Equal("Seen", (string?)entries[0]["resource"]!["name"]![0]!["family"]);
        var history = entries[1]["resource"]!.AsObject().Entries();
        Assert.Contains(history, e => (string?)e["resource"]?["name"]?[0]?["family"] == family);
    }

    [Fact]
    public async Task Transaction_IfMatchFailsOnTheThirdEntry_WritesNothingAndNamesTheEntry()
    {
        var existing = (await _client.CreatePatientAsync("Untouched")).Id();
        var putId = "never-" + Guid.NewGuid().ToString("N");
        var family = "Ghost-" + Guid.NewGuid().ToString("N");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var bundle = BundleJson.Of(
            "transaction",
            BundleJson.Entry("POST", "Patient", Fhir.Patient(family)),
            BundleJson.Entry("PUT", $"Patient/{putId}", Fhir.Patient(family, putId)),
            BundleJson.Entry("PUT", $"Patient/{existing}", Fhir.Patient(family, existing), ifMatch: "W/\"7\""));

        using var response = await _client.PostBundleAsync(bundle);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("Bundle.entry[2].request.ifMatch", (string?)issue["expression"]![0]);
        Assert.StartsWith("Bundle.entry[2]", (string?)issue["diagnostics"]);
        Assert.Contains("If-Match", (string?)issue["diagnostics"]);
        await AssertNothingWrittenAsync(since, family, existing, putId);
    }

    [Fact]
    public async Task Transaction_InvalidIdInAnEntry_Returns400AndWritesNothing()
    {
        var family = "Ghost-" + Guid.NewGuid().ToString("N");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var bundle = BundleJson.Of(
            "transaction",
            BundleJson.Entry("POST", "Patient", Fhir.Patient(family)),
            BundleJson.Entry("PUT", "Patient/not_an_id!", Fhir.Patient(family)));

        using var response = await _client.PostBundleAsync(bundle);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Bundle.entry[1].request.url", (string?)(await response.SingleIssueAsync())["expression"]![0]);
        Assert.DoesNotContain(family, await _client.PatientFamiliesWrittenSinceAsync(since));
    }

    [Fact]
    public async Task Transaction_EntryFailingAfterWrites_RollsThemBack()
    {
        // The read of an unknown id fails last (reads run after all writes): the writes before it must not stay.
        var existing = (await _client.CreatePatientAsync("Untouched")).Id();
        var putId = "never-" + Guid.NewGuid().ToString("N");
        var family = "Ghost-" + Guid.NewGuid().ToString("N");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var bundle = BundleJson.Of(
            "transaction",
            BundleJson.Entry("GET", "Patient/unknown-" + Guid.NewGuid().ToString("N")),
            BundleJson.Entry("POST", "Patient", Fhir.Patient(family)),
            BundleJson.Entry("PUT", $"Patient/{putId}", Fhir.Patient(family, putId)),
            BundleJson.Entry("PUT", $"Patient/{existing}", Fhir.Patient(family, existing)));

        using var response = await _client.PostBundleAsync(bundle);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Bundle.entry[0]", (string?)(await response.SingleIssueAsync())["expression"]![0]);
        await AssertNothingWrittenAsync(since, family, existing, putId);
    }

    [Fact]
    public async Task Transaction_ReferenceToAnUndeclaredPlaceholder_Returns400AtTheReference()
    {
        var bundle = BundleJson.Of(
            "transaction",
            BundleJson.Entry("POST", "Patient", Fhir.Patient("Lonely")),
            BundleJson.Entry("POST", "Observation", BundleJson.Observation(BundleJson.NewUrn())));

        using var response = await _client.PostBundleAsync(bundle);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Bundle.entry[1].resource.subject", (string?)(await response.SingleIssueAsync())["expression"]![0]);
    }

    [Fact]
    public async Task Transaction_TwoEntriesWithOneFullUrl_Returns400()
    {
        var urn = BundleJson.NewUrn();
        var bundle = BundleJson.Of(
            "transaction",
            BundleJson.Entry("POST", "Patient", Fhir.Patient("Twin"), fullUrl: urn),
            BundleJson.Entry("POST", "Patient", Fhir.Patient("Twin"), fullUrl: urn));

        using var response = await _client.PostBundleAsync(bundle);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Bundle.entry[1].fullUrl", (string?)(await response.SingleIssueAsync())["expression"]![0]);
    }

    [Fact]
    public async Task Transaction_TwoWritesToOneResource_Returns400()
    {
        var id = (await _client.CreatePatientAsync("Contested")).Id();
        var bundle = BundleJson.Of(
            "transaction",
            BundleJson.Entry("PUT", $"Patient/{id}", Fhir.Patient("Contested-2", id)),
            BundleJson.Entry("DELETE", $"Patient/{id}"));

        using var response = await _client.PostBundleAsync(bundle);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Bundle.entry[1].request.url", (string?)(await response.SingleIssueAsync())["expression"]![0]);
        using var read = await _client.GetAsync($"/fhir/Patient/{id}");
        Assert.Equal("1", (await read.BodyAsync()).VersionId());
    }

    [Fact]
    public async Task Transaction_PatchEntries_ApplyJsonPatchAndFhirPathPatch()
    {
        var jsonPatched = (await _client.CreatePatientAsync("Patched-json")).Id();
        var pathPatched = (await _client.CreatePatientAsync("Patched-path")).Id();
        var jsonPatch = """[{"op":"replace","path":"/gender","value":"other"}]"""u8.ToArray();
        var binary = new JsonObject
        {
            ["resourceType"] = "Binary",
            ["contentType"] = "application/json-patch+json",
            ["data"] = Convert.ToBase64String(jsonPatch),
        };
        var parameters = JsonNode.Parse("""
            {"resourceType":"Parameters","parameter":[{"name":"operation","part":[
              {"name":"type","valueCode":"add"},{"name":"path","valueString":"Patient"},
              {"name":"name","valueString":"active"},{"name":"value","valueBoolean":true}]}]}
            """)!.AsObject();
        var bundle = BundleJson.Of(
            "transaction",
            BundleJson.Entry("PATCH", $"Patient/{jsonPatched}", binary),
            BundleJson.Entry("PATCH", $"Patient/{pathPatched}", parameters, ifMatch: "W/\"1\""));

        using var response = await _client.PostBundleAsync(bundle);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = (await response.BodyAsync()).Entries();
        Assert.Equal(["200 OK", "200 OK"], entries.Select(e => e.Status()));
        Assert.Equal("other", (string?)entries[0]["resource"]!["gender"]);
        Assert.True((bool)entries[1]["resource"]!["active"]!);
        using var history = await _client.GetAsync($"/fhir/Patient/{pathPatched}/_history");
        Assert.Equal("PATCH", (string?)(await history.BodyAsync())["entry"]![0]!["request"]!["method"]);
    }

    [Fact]
    public async Task Transaction_PatchEntryWithAFailingTest_Returns409NamingTheEntry()
    {
        var id = (await _client.CreatePatientAsync("Tested")).Id();
        var binary = new JsonObject
        {
            ["resourceType"] = "Binary",
            ["contentType"] = "application/json-patch+json",
            ["data"] = Convert.ToBase64String("""[{"op":"test","path":"/gender","value":"male"}]"""u8.ToArray()),
        };

        using var response = await _client.PostBundleAsync(BundleJson.Of("transaction", BundleJson.Entry("PATCH", $"Patient/{id}", binary)));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("Bundle.entry[0]", (string?)(await response.SingleIssueAsync())["expression"]![0]);
    }

    [Fact]
    public async Task Transaction_ConditionalReferenceWithoutMatch_Returns400NamingTheElement()
    {
        var bundle = BundleJson.Of(
            "transaction",
            BundleJson.Entry("POST", "Observation", BundleJson.Observation($"Patient?identifier=http://fhirmh.example/mrn|{Guid.NewGuid():N}")));

        using var response = await _client.PostBundleAsync(bundle);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("Bundle.entry[0].resource.subject", (string?)issue["expression"]![0]);
    }

    [Fact]
    public async Task Transaction_ConditionalReference_IsResolvedToTheOneMatch()
    {
        var mrn = Guid.NewGuid().ToString("N");
        var patient = Fhir.Patient("Referenced");
        patient["identifier"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["system"] = "http://fhirmh.example/mrn", ["value"] = mrn });
        using var created = await _client.PostAsync("/fhir/Patient", Fhir.Json(patient));
        var bundle = BundleJson.Of(
            "transaction",
            BundleJson.Entry("POST", "Observation", BundleJson.Observation($"Patient?identifier=http://fhirmh.example/mrn|{mrn}")));

        using var response = await _client.PostBundleAsync(bundle);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var observationId = (await response.BodyAsync()).Entries()[0].LocationId();
        using var read = await _client.GetAsync($"/fhir/Observation/{observationId}");
        Assert.Equal($"Patient/{(await created.BodyAsync()).Id()}", (string?)(await read.BodyAsync())["subject"]!["reference"]);
    }

    [Fact]
    public async Task Transaction_ConditionalCreateThatMatches_ReferencesPointAtTheMatch()
    {
        var mrn = Guid.NewGuid().ToString("N");
        using var existing = await _client.PostAsync("/fhir/Patient", Fhir.Json(WithMrn(Fhir.Patient("Existing"), mrn)));
        var existingId = (await existing.BodyAsync()).Id();
        var patientUrn = BundleJson.NewUrn();
        var create = BundleJson.Entry("POST", "Patient", WithMrn(Fhir.Patient("Duplicate"), mrn), fullUrl: patientUrn);
        create["request"]!["ifNoneExist"] = $"identifier=http://fhirmh.example/mrn|{mrn}";

        using var response = await _client.PostBundleAsync(BundleJson.Of(
            "transaction", create, BundleJson.Entry("POST", "Observation", BundleJson.Observation(patientUrn))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = (await response.BodyAsync()).Entries();
        Assert.Equal("200 OK", entries[0].Status());
        Assert.Equal(existingId, entries[0].LocationId());
        using var read = await _client.GetAsync($"/fhir/Observation/{entries[1].LocationId()}");
        Assert.Equal($"Patient/{existingId}", (string?)(await read.BodyAsync())["subject"]!["reference"]);
    }

    [Fact]
    public async Task Transaction_ConditionalCreateWithoutMatch_Creates()
    {
        var mrn = Guid.NewGuid().ToString("N");
        var create = BundleJson.Entry("POST", "Patient", WithMrn(Fhir.Patient("New"), mrn));
        create["request"]!["ifNoneExist"] = $"identifier=http://fhirmh.example/mrn|{mrn}";

        using var response = await _client.PostBundleAsync(BundleJson.Of("transaction", create));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("201 Created", (await response.BodyAsync()).Entries()[0].Status());
    }

    [Fact]
    public async Task Transaction_ConditionalUpdateAndDelete_WriteTheirMatches()
    {
        var kept = Guid.NewGuid().ToString("N");
        var removed = Guid.NewGuid().ToString("N");
        using var first = await _client.PostAsync("/fhir/Patient", Fhir.Json(WithMrn(Fhir.Patient("Before"), kept)));
        using var second = await _client.PostAsync("/fhir/Patient", Fhir.Json(WithMrn(Fhir.Patient("Doomed"), removed)));

        using var response = await _client.PostBundleAsync(BundleJson.Of(
            "transaction",
            BundleJson.Entry("PUT", $"Patient?identifier=http://fhirmh.example/mrn|{kept}", WithMrn(Fhir.Patient("After"), kept)),
            BundleJson.Entry("DELETE", $"Patient?identifier=http://fhirmh.example/mrn|{removed}")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var updated = await _client.GetAsync($"/fhir/Patient/{(await first.BodyAsync()).Id()}");
        using var deleted = await _client.GetAsync($"/fhir/Patient/{(await second.BodyAsync()).Id()}");
        Assert.Equal("After", (string?)(await updated.BodyAsync())["name"]![0]!["family"]);
        Assert.Equal(HttpStatusCode.Gone, deleted.StatusCode);
    }

    [Fact]
    public async Task Transaction_ConditionalUpdateMatchingSeveral_Returns412AndWritesNothing()
    {
        var mrn = Guid.NewGuid().ToString("N");
        await _client.PostAsync("/fhir/Patient", Fhir.Json(WithMrn(Fhir.Patient("One"), mrn)));
        await _client.PostAsync("/fhir/Patient", Fhir.Json(WithMrn(Fhir.Patient("Two"), mrn)));
        var since = DateTimeOffset.UtcNow;

        using var response = await _client.PostBundleAsync(BundleJson.Of(
            "transaction",
            BundleJson.Entry("POST", "Patient", Fhir.Patient("NotWritten")),
            BundleJson.Entry("PUT", $"Patient?identifier=http://fhirmh.example/mrn|{mrn}", WithMrn(Fhir.Patient("Three"), mrn))));

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.StartsWith("Bundle.entry[1]", (string?)(await response.SingleIssueAsync())["expression"]![0], StringComparison.Ordinal);
        Assert.DoesNotContain("NotWritten", await _client.PatientFamiliesWrittenSinceAsync(since));
    }

    private static System.Text.Json.Nodes.JsonObject WithMrn(System.Text.Json.Nodes.JsonObject patient, string mrn)
    {
        patient["identifier"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["system"] = "http://fhirmh.example/mrn", ["value"] = mrn });
        return patient;
    }

    [Fact]
    public async Task Transaction_InXml_IsProcessedAndAnsweredInXml()
    {
        var xml = $"""
            <Bundle xmlns="http://hl7.org/fhir"><type value="transaction"/>
              <entry><fullUrl value="{BundleJson.NewUrn()}"/><resource><Patient><name><family value="Xml"/></name></Patient></resource>
                <request><method value="POST"/><url value="Patient"/></request></entry>
            </Bundle>
            """;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/fhir?_format=xml")
        {
            Content = new StringContent(xml, System.Text.Encoding.UTF8, Fhir.XmlType),
        };

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("<type value=\"transaction-response\"", body);
        Assert.Contains("<status value=\"201 Created\"", body);
    }

    [Fact]
    public async Task Transaction_Empty_ReturnsAnEmptyResponse()
    {
        using var response = await _client.PostBundleAsync(BundleJson.Of("transaction"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty((await response.BodyAsync()).Entries());
    }

    [Fact]
    public async Task PostToBase_BundleOfTypeDocument_Returns400AtBundleType()
    {
        using var response = await _client.PostBundleAsync(BundleJson.Of("document"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("Bundle.type", (string?)issue["expression"]![0]);
        Assert.Contains("'document'", (string?)issue["diagnostics"]);
    }

    [Fact]
    public async Task PostToBase_NotABundle_Returns400()
    {
        using var response = await _client.PostAsync("/fhir", Fhir.Json(Fhir.Patient("Misplaced")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task PostToBase_MoreEntriesThanTheLimit_Returns413()
    {
        // Limits:MaxBundleEntries defaults to 1000.
        var entries = Enumerable.Range(0, 1001).Select(_ => BundleJson.Entry("GET", "metadata")).ToArray();

        using var response = await _client.PostBundleAsync(BundleJson.Of("batch", entries));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("too-long", (string?)issue["code"]);
        Assert.Equal("Bundle.entry", (string?)issue["expression"]![0]);
    }

    [Fact]
    public async Task PostToBundleType_TransactionBundle_IsStoredAsABundleResource()
    {
        using var response = await _client.PostAsync(
            "/fhir/Bundle", Fhir.Json(BundleJson.Of("transaction", BundleJson.Entry("POST", "Patient", Fhir.Patient("Stored")))));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var stored = await response.BodyAsync();
        Assert.Equal("transaction", (string?)stored["type"]);
        Assert.NotNull(stored["id"]);
    }

    private async Task AssertNothingWrittenAsync(DateTimeOffset since, string family, string existing, string putId)
    {
        using var never = await _client.GetAsync($"/fhir/Patient/{putId}");
        Assert.Equal(HttpStatusCode.NotFound, never.StatusCode);
        using var history = await _client.GetAsync($"/fhir/Patient/{existing}/_history");
        Assert.Single((await history.BodyAsync()).Entries());
        Assert.DoesNotContain(family, await _client.PatientFamiliesWrittenSinceAsync(since));
    }
}

public sealed class SqliteTransactionTests(SqliteFixture fixture) : TransactionTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresTransactionTests(PostgresFixture fixture) : TransactionTests(fixture), IClassFixture<PostgresFixture>;
