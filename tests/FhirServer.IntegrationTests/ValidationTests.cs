using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// Validation on write with the default <c>Validation:Mode</c> (declared): the core definition
/// of the type and every profile in <c>meta.profile</c>, on every write path, and $validate
/// (resource-operation-validate.html).
/// </summary>
public abstract class ValidationTests(StorageFixture fixture)
{
    private const string MhPatient = "https://fhirmh.org/fhir/StructureDefinition/mh-patient";
    private const string MhConsent = "https://fhirmh.org/fhir/StructureDefinition/mh-consent";
    private const string NationalId = "https://fhirmh.org/fhir/sid/national-id";

    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task Create_WrongPrimitiveType_Is400AtTheElement()
    {
        var patient = Fhir.Patient("Typed");
        patient["birthDate"] = 1984;

        using var response = await _client.PostAsync("/fhir/Patient", Fhir.Json(patient));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(await IssuesAsync(response), i => Expression(i) == "Patient.birthDate");
    }

    [Fact]
    public async Task Create_MissingElementTheCoreRequires_Is400AtTheElement()
    {
        var observation = new JsonObject { ["resourceType"] = "Observation", ["code"] = new JsonObject { ["text"] = "mood" } };

        using var response = await _client.PostAsync("/fhir/Observation", Fhir.Json(observation));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(await IssuesAsync(response), i => Expression(i) == "Observation.status");
    }

    [Fact]
    public async Task Create_ProfileCardinality_Is422AtTheMissingElement()
    {
        var patient = Profiled(Fhir.Patient("NoIdentifier"), MhPatient);

        using var response = await _client.PostAsync("/fhir/Patient", Fhir.Json(patient));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var issue = Assert.Single(await IssuesAsync(response), i => Expression(i) == "Patient.identifier");
        Assert.Equal("error", (string?)issue["severity"]);
        Assert.Contains("identifier", (string?)issue["diagnostics"]);
    }

    [Fact]
    public async Task Create_IdentifierWithoutSystem_Is422AtTheSystem()
    {
        var patient = Profiled(Fhir.Patient("NoSystem"), MhPatient);
        patient["identifier"] = new JsonArray(new JsonObject { ["value"] = "123" });

        using var response = await _client.PostAsync("/fhir/Patient", Fhir.Json(patient));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(await IssuesAsync(response), i => Expression(i) == "Patient.identifier[0].system");
    }

    [Fact]
    public async Task Create_SliceOverItsMaximum_Is422()
    {
        var patient = Profiled(Fhir.Patient("TwoNationalIds"), MhPatient);
        patient["identifier"] = new JsonArray(Identifier(NationalId, "1"), Identifier(NationalId, "2"));

        using var response = await _client.PostAsync("/fhir/Patient", Fhir.Json(patient));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var issue = Assert.Single(await IssuesAsync(response));
        Assert.Contains("nationalId", (string?)issue["diagnostics"]);
    }

    [Fact]
    public async Task Create_ConformingToTheProfile_Is201()
    {
        var patient = Profiled(Fhir.Patient("Conforming"), MhPatient);
        patient["identifier"] = new JsonArray(Identifier(NationalId, "940101-1234"), Identifier("https://clinic.example/mrn", "A7"));

        using var response = await _client.PostAsync("/fhir/Patient", Fhir.Json(patient));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Create_CodeOutsideARequiredBinding_Is422AtTheElement()
    {
        var condition = new JsonObject
        {
            ["resourceType"] = "Condition",
            ["subject"] = new JsonObject { ["reference"] = "Patient/someone" },
            ["clinicalStatus"] = Concept("http://terminology.hl7.org/CodeSystem/condition-clinical", "bogus"),
        };

        using var response = await _client.PostAsync("/fhir/Condition", Fhir.Json(condition));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var issue = Assert.Single(await IssuesAsync(response));
        Assert.Equal("code-invalid", (string?)issue["code"]);
        Assert.Equal("Condition.clinicalStatus[0]", Expression(issue));
        Assert.Contains("bogus", (string?)issue["diagnostics"]);
    }

    [Fact]
    public async Task Create_CodeOutsideAProjectValueSet_Is422()
    {
        var consent = Consent("Consent/none");
        consent["scope"] = Concept("http://terminology.hl7.org/CodeSystem/consentscope", "treatment");
        Profiled(consent, MhConsent);

        using var response = await _client.PostAsync("/fhir/Consent", Fhir.Json(consent));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(await IssuesAsync(response), i => (string?)i["code"] == "code-invalid" && ((string?)i["diagnostics"])!.Contains("consent-scope-privacy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_FailedCoreInvariant_Is422NamingTheConstraint()
    {
        var patient = Fhir.Patient("Contactless");
        patient["contact"] = new JsonArray(new JsonObject { ["gender"] = "male" });

        using var response = await _client.PostAsync("/fhir/Patient", Fhir.Json(patient));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var issue = Assert.Single(await IssuesAsync(response));
        Assert.Equal("invariant", (string?)issue["code"]);
        Assert.Contains("pat-1", (string?)issue["diagnostics"]);
        Assert.Equal("Patient.contact[0]", Expression(issue));
    }

    [Fact]
    public async Task Create_UnknownProfile_Is422AtMetaProfileAndNothingIsStored()
    {
        var family = "Unknown" + Guid.NewGuid().ToString("N")[..8];
        var patient = Profiled(Fhir.Patient(family), "https://nowhere.example/StructureDefinition/nothing");

        using var response = await _client.PostAsync("/fhir/Patient", Fhir.Json(patient));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var issue = Assert.Single(await IssuesAsync(response));
        Assert.Equal("not-found", (string?)issue["code"]);
        Assert.Equal("Patient.meta.profile[0]", Expression(issue));
        Assert.Equal(0, await CountAsync($"Patient?family={family}"));
    }

    [Fact]
    public async Task Update_Invalid_Is422AndTheCurrentVersionStays()
    {
        var created = await _client.CreatePatientAsync("Updated");
        var invalid = Profiled(Fhir.Patient("Updated", created.Id()), MhPatient);

        using var response = await _client.PutAsync($"/fhir/Patient/{created.Id()}", invalid, ifMatch: null);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var read = await _client.GetAsync($"/fhir/Patient/{created.Id()}");
        Assert.Equal("1", (await read.BodyAsync()).VersionId());
    }

    [Fact]
    public async Task Patch_ResultIsValidated()
    {
        var patient = Profiled(Fhir.Patient("Patched"), MhPatient);
        patient["identifier"] = new JsonArray(Identifier("https://clinic.example/mrn", "P1"));
        using var created = await _client.PostAsync("/fhir/Patient", Fhir.Json(patient));
        var id = (await created.BodyAsync()).Id();
        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/fhir/Patient/{id}")
        {
            Content = new StringContent("""[{"op":"remove","path":"/identifier"}]""", System.Text.Encoding.UTF8, "application/json-patch+json"),
        };

        using var response = await _client.SendAsync(patch);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(await IssuesAsync(response), i => Expression(i) == "Patient.identifier");
        using var read = await _client.GetAsync($"/fhir/Patient/{id}");
        Assert.Equal("1", (await read.BodyAsync()).VersionId());
    }

    [Fact]
    public async Task Transaction_InvalidEntry_RefusesTheWholeTransaction()
    {
        var family = "InTransaction" + Guid.NewGuid().ToString("N")[..8];
        var condition = new JsonObject
        {
            ["resourceType"] = "Condition",
            ["subject"] = new JsonObject { ["reference"] = "Patient/someone" },
            ["clinicalStatus"] = Concept("http://terminology.hl7.org/CodeSystem/condition-clinical", "bogus"),
        };
        var bundle = BundleJson.Of(
            "transaction",
            BundleJson.Entry("POST", "Patient", Fhir.Patient(family), fullUrl: BundleJson.NewUrn()),
            BundleJson.Entry("POST", "Condition", condition, fullUrl: BundleJson.NewUrn()));

        using var response = await _client.PostBundleAsync(bundle);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(await IssuesAsync(response), i => Expression(i) == "Bundle.entry[1].resource.clinicalStatus[0]");
        Assert.Equal(0, await CountAsync($"Patient?family={family}"));
    }

    [Fact]
    public async Task Batch_InvalidEntry_FailsThatEntryOnly()
    {
        var invalid = Fhir.Patient("BatchInvalid");
        invalid["contact"] = new JsonArray(new JsonObject { ["gender"] = "male" });
        var bundle = BundleJson.Of(
            "batch",
            BundleJson.Entry("POST", "Patient", Fhir.Patient("BatchValid")),
            BundleJson.Entry("POST", "Patient", invalid));

        using var response = await _client.PostBundleAsync(bundle);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = (await response.BodyAsync()).Entries();
        Assert.Equal(["201 Created", "422 Unprocessable Entity"], entries.Select(e => e.Status()));
        var issue = Assert.Single(entries[1]["response"]!["outcome"]!["issue"]!.AsArray())!;
        Assert.Equal("Bundle.entry[1].resource.contact[0]", Expression(issue.AsObject()));
    }

    [Fact]
    public async Task Create_Warnings_ComeBackWhenTheClientAsksForAnOutcome()
    {
        var observation = new JsonObject
        {
            ["resourceType"] = "Observation",
            ["status"] = "final",
            ["code"] = new JsonObject { ["text"] = "mood" },
            ["interpretation"] = new JsonArray(new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "https://lab.example/flags" }) }),
        };

        using var response = await _client.SendWithHeaderAsync(HttpMethod.Post, "/fhir/Observation", observation, "Prefer", "return=OperationOutcome");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var issues = await IssuesAsync(response);
        Assert.Equal("information", (string?)issues[0]["severity"]);
        var warning = Assert.Single(issues, i => (string?)i["severity"] == "warning");
        Assert.Equal("Observation.interpretation[0]", Expression(warning));
    }

    [Fact]
    public async Task ValidateOnType_ValidResource_Is200WithNoIssues()
    {
        using var response = await _client.PostAsync("/fhir/Patient/$validate", Fhir.Json(Fhir.Patient("Checked")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var issue = Assert.Single(await IssuesAsync(response));
        Assert.Equal("information", (string?)issue["severity"]);
    }

    [Fact]
    public async Task ValidateOnType_InvalidResource_Is200WithTheErrorsAndStoresNothing()
    {
        var family = "Validated" + Guid.NewGuid().ToString("N")[..8];
        var patient = Fhir.Patient(family);
        patient["contact"] = new JsonArray(new JsonObject { ["gender"] = "male" });

        using var response = await _client.PostAsync("/fhir/Patient/$validate", Fhir.Json(patient));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(await IssuesAsync(response), i => (string?)i["severity"] == "error" && Expression(i) == "Patient.contact[0]");
        Assert.Equal(0, await CountAsync($"Patient?family={family}"));
    }

    [Fact]
    public async Task Validate_ProfileParameter_AppliesThatProfile()
    {
        var parameters = Parameters(
            new JsonObject { ["name"] = "profile", ["valueUri"] = MhPatient },
            new JsonObject { ["name"] = "resource", ["resource"] = Fhir.Patient("ByParameter") });

        using var response = await _client.PostAsync("/fhir/Patient/$validate", Fhir.Json(parameters));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(await IssuesAsync(response), i => (string?)i["severity"] == "error" && Expression(i) == "Patient.identifier");
    }

    [Fact]
    public async Task Validate_ModeUpdate_NeedsTheIdOfTheUrl()
    {
        var parameters = Parameters(
            new JsonObject { ["name"] = "mode", ["valueCode"] = "update" },
            new JsonObject { ["name"] = "resource", ["resource"] = Fhir.Patient("Elsewhere", "other-id") });

        using var response = await _client.PostAsync("/fhir/Patient/some-id/$validate", Fhir.Json(parameters));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var issue = Assert.Single(await IssuesAsync(response), i => (string?)i["severity"] == "error");
        Assert.Equal("Patient.id", Expression(issue));
    }

    [Fact]
    public async Task Validate_ModeDelete_ReportsWhetherTheResourceExists()
    {
        var created = await _client.CreatePatientAsync("Deletable");

        using var existing = await _client.GetAsync($"/fhir/Patient/{created.Id()}/$validate?mode=delete");
        using var missing = await _client.GetAsync("/fhir/Patient/never-there/$validate?mode=delete");

        Assert.Equal(HttpStatusCode.OK, existing.StatusCode);
        Assert.Equal("information", (string?)Assert.Single(await IssuesAsync(existing))["severity"]);
        Assert.Equal(HttpStatusCode.OK, missing.StatusCode);
        Assert.Equal("not-found", (string?)Assert.Single(await IssuesAsync(missing))["code"]);
    }

    [Fact]
    public async Task ValidateOnInstance_WithoutABody_ValidatesTheStoredVersion()
    {
        var created = await _client.CreatePatientAsync("StoredOne");

        using var response = await _client.GetAsync($"/fhir/Patient/{created.Id()}/$validate?profile={Uri.EscapeDataString(MhPatient)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(await IssuesAsync(response), i => Expression(i) == "Patient.identifier");
    }

    [Fact]
    public async Task Validate_BadInput_Is400NamingTheParameter()
    {
        using var wrongType = await _client.PostAsync("/fhir/Observation/$validate", Fhir.Json(Fhir.Patient("Misplaced")));
        using var wrongMode = await _client.PostAsync("/fhir/Patient/$validate?mode=sideways", Fhir.Json(Fhir.Patient("Sideways")));

        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Equal("resource", Expression(await wrongType.SingleIssueAsync()));
        Assert.Equal(HttpStatusCode.BadRequest, wrongMode.StatusCode);
        Assert.Equal("mode", Expression(await wrongMode.SingleIssueAsync()));
    }

    [Fact]
    public async Task PackageResources_AreStoredWithGeneratedSnapshotsAndSearchable()
    {
        using var read = await _client.GetAsync("/fhir/StructureDefinition/mh-patient");
        var profile = await read.BodyAsync();

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(MhPatient, (string?)profile["url"]);
        Assert.True(profile["snapshot"]!["element"]!.AsArray().Count > 10);
        Assert.Equal(1, await CountAsync($"StructureDefinition?url={Uri.EscapeDataString(MhPatient)}"));
        Assert.Equal(1, await CountAsync("ValueSet?url=https://fhirmh.org/fhir/ValueSet/score-severity"));
        Assert.Equal(1, await CountAsync("CodeSystem?url=https://fhirmh.org/fhir/CodeSystem/registry-tag"));
    }

    [Fact]
    public async Task PackageResources_ASecondStartChangesNothing()
    {
        await using (fixture.StartServer(new Dictionary<string, string>()))
        {
        }

        using var read = await _client.GetAsync("/fhir/StructureDefinition/mh-consent");
        Assert.Equal("1", (await read.BodyAsync()).VersionId());
        using var history = await _client.GetAsync("/fhir/CodeSystem/score-severity/_history");
        Assert.Single((await history.BodyAsync())["entry"]!.AsArray());
    }

    [Fact]
    public async Task CapabilityStatement_ListsSupportedProfilesAndValidate()
    {
        using var response = await _client.GetAsync("/fhir/metadata");
        var patient = (await response.BodyAsync())["rest"]![0]!["resource"]!.AsArray().Single(r => (string?)r!["type"] == "Patient")!;

        Assert.Contains(MhPatient, patient["supportedProfile"]!.AsArray().Select(p => (string?)p));
        Assert.Contains("validate", patient["operation"]!.AsArray().Select(o => (string?)o!["name"]));
    }

    [Fact]
    public async Task StoredProfile_ValidatesResourcesThatDeclareIt()
    {
        var url = $"https://clinic.example/StructureDefinition/{Guid.NewGuid():N}";
        var profile = new JsonObject
        {
            ["resourceType"] = "StructureDefinition",
            ["url"] = url,
            ["name"] = "ClinicObservation",
            ["status"] = "active",
            ["kind"] = "resource",
            ["abstract"] = false,
            ["type"] = "Observation",
            ["baseDefinition"] = "http://hl7.org/fhir/StructureDefinition/Observation",
            ["derivation"] = "constraint",
            ["differential"] = new JsonObject { ["element"] = new JsonArray(new JsonObject { ["id"] = "Observation.subject", ["path"] = "Observation.subject", ["min"] = 1 }) },
        };
        using var stored = await _client.PostAsync("/fhir/StructureDefinition", Fhir.Json(profile));
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        var observation = Profiled(
            new JsonObject { ["resourceType"] = "Observation", ["status"] = "final", ["code"] = new JsonObject { ["text"] = "mood" } }, url);

        using var response = await _client.PostAsync("/fhir/Observation", Fhir.Json(observation));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(await IssuesAsync(response), i => Expression(i) == "Observation.subject");
    }

    /// <summary>
    /// A code the parser accepts (it is in the core value set of Observation.status) is still
    /// checked against a narrower value set a profile binds the element to.
    /// </summary>
    [Fact]
    public async Task StoredProfile_NarrowingTheBindingOfACodedElement_RefusesACodeTheCoreAllows()
    {
        var valueSet = $"https://clinic.example/ValueSet/{Guid.NewGuid():N}";
        using var storedValueSet = await _client.PostAsync("/fhir/ValueSet", Fhir.Json(new JsonObject
        {
            ["resourceType"] = "ValueSet",
            ["url"] = valueSet,
            ["status"] = "active",
            ["compose"] = new JsonObject
            {
                ["include"] = new JsonArray(new JsonObject
                {
                    ["system"] = "http://hl7.org/fhir/observation-status",
                    ["concept"] = new JsonArray(new JsonObject { ["code"] = "final" }),
                }),
            },
        }));
        Assert.Equal(HttpStatusCode.Created, storedValueSet.StatusCode);
        var url = $"https://clinic.example/StructureDefinition/{Guid.NewGuid():N}";
        using var storedProfile = await _client.PostAsync("/fhir/StructureDefinition", Fhir.Json(new JsonObject
        {
            ["resourceType"] = "StructureDefinition",
            ["url"] = url,
            ["name"] = "FinalObservation",
            ["status"] = "active",
            ["kind"] = "resource",
            ["abstract"] = false,
            ["type"] = "Observation",
            ["baseDefinition"] = "http://hl7.org/fhir/StructureDefinition/Observation",
            ["derivation"] = "constraint",
            ["differential"] = new JsonObject
            {
                ["element"] = new JsonArray(new JsonObject
                {
                    ["id"] = "Observation.status",
                    ["path"] = "Observation.status",
                    ["binding"] = new JsonObject { ["strength"] = "required", ["valueSet"] = valueSet },
                }),
            },
        }));
        Assert.Equal(HttpStatusCode.Created, storedProfile.StatusCode);

        JsonObject Observation(string status) => Profiled(
            new JsonObject { ["resourceType"] = "Observation", ["status"] = status, ["code"] = new JsonObject { ["text"] = "mood" } }, url);
        using var amended = await _client.PostAsync("/fhir/Observation", Fhir.Json(Observation("amended")));
        using var final = await _client.PostAsync("/fhir/Observation", Fhir.Json(Observation("final")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, amended.StatusCode);
        Assert.Contains(await IssuesAsync(amended), i => Expression(i) == "Observation.status[0]" && (string?)i["code"] == "code-invalid");
        Assert.Equal(HttpStatusCode.Created, final.StatusCode);
    }

    internal static JsonObject Consent(string patient) => new()
    {
        ["resourceType"] = "Consent",
        ["status"] = "active",
        ["scope"] = Concept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
        ["category"] = new JsonArray(Concept("http://loinc.org", "59284-0")),
        ["patient"] = new JsonObject { ["reference"] = patient },
        ["dateTime"] = "2026-11-01T10:00:00Z",
        ["policyRule"] = Concept("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN"),
    };

    internal static JsonObject Profiled(JsonObject resource, string profile)
    {
        resource["meta"] = new JsonObject { ["profile"] = new JsonArray(profile) };
        return resource;
    }

    internal static JsonObject Concept(string system, string code) =>
        new() { ["coding"] = new JsonArray(new JsonObject { ["system"] = system, ["code"] = code }) };

    internal static string? Expression(JsonObject issue) => (string?)issue["expression"]?[0];

    internal static async Task<List<JsonObject>> IssuesAsync(HttpResponseMessage response)
    {
        var outcome = await response.BodyAsync();
        Assert.Equal("OperationOutcome", (string?)outcome["resourceType"]);
        return outcome["issue"]!.AsArray().Select(i => i!.AsObject()).ToList();
    }

    private static JsonObject Identifier(string system, string value) => new() { ["system"] = system, ["value"] = value };

    private static JsonObject Parameters(params JsonObject[] parameters) =>
        new() { ["resourceType"] = "Parameters", ["parameter"] = new JsonArray(parameters) };

    private async Task<int> CountAsync(string search)
    {
        using var response = await _client.GetAsync($"/fhir/{search}{(search.Contains('?') ? '&' : '?')}_summary=count");
        return (int)(await response.BodyAsync())["total"]!;
    }
}

public sealed class SqliteValidationTests(SqliteFixture fixture) : ValidationTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresValidationTests(PostgresFixture fixture) : ValidationTests(fixture), IClassFixture<PostgresFixture>;
