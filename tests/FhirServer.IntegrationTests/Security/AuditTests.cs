using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using static FhirMh.FhirServer.IntegrationTests.Security.AuditTrailReader;

namespace FhirMh.FhirServer.IntegrationTests.Security;

/// <summary>
/// An AuditEvent (IHE BALP) for every access: reads and searches (one per patient), writes (in
/// the write's transaction), refusals, break-the-glass; and <c>Patient/[id]/$disclosures</c>, for
/// the patient and for staff only.
/// </summary>
public abstract class AuditTests
{
    private readonly HttpClient _client;
    private readonly AuditTrailReader _trail;
    private readonly string _unique = Guid.NewGuid().ToString("N")[..10];

    protected AuditTests(StorageFixture fixture)
    {
        _client = fixture.CreateClient();
        _trail = new AuditTrailReader(_client);
    }

    [Fact]
    public async Task Read_IsAuditedWithWhoWhatWhichPatientAndOutcome()
    {
        var patient = await _trail.CreateAsync("""{"resourceType":"Patient","name":[{"family":"Audited"}]}""");
        var observation = await _trail.CreateAsync(Observation(patient));
        var doctor = TestTokens.Access("user/*.rs", fhirUser: "Practitioner/dr-" + _unique, purposes: ["TREAT"]);

        using (var read = await _client.SendAsync(HttpMethod.Get, $"/fhir/Observation/{observation}", doctor))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        var audit = await _trail.EventuallyAsync(patient, e => Subtype(e) == "read" && Who(e).Contains("Practitioner/dr-" + _unique));
        Assert.Equal("0", (string?)audit["outcome"]);
        Assert.Equal("R", (string?)audit["action"]);
        Assert.Equal("rest", (string?)audit["type"]!["code"]);
        Assert.Equal("TREAT", (string?)audit["purposeOfEvent"]![0]!["coding"]![0]!["code"]);
        Assert.Contains(audit["entity"]!.AsArray(), e => (string?)e!["what"]?["reference"] == $"Observation/{observation}");
        Assert.Contains(audit["entity"]!.AsArray(), e => (string?)e!["what"]?["reference"] == $"Patient/{patient}" && (string?)e["role"]!["code"] == "1");
    }

    [Fact]
    public async Task Read_OfAPatientWithAConsent_NamesTheConsentThatDecided()
    {
        var patient = await _trail.CreateAsync("""{"resourceType":"Patient","name":[{"family":"Consenting"}]}""");
        var observation = await _trail.CreateAsync(Observation(patient));
        var consent = await _trail.CreateAsync($$$"""
            {"resourceType":"Consent","status":"active",
             "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
             "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
             "patient":{"reference":"Patient/{{{patient}}}"},"dateTime":"2026-01-01",
             "policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTIN"}]},"provision":{"type":"permit"}}
            """);
        var doctor = TestTokens.Access("user/*.rs", fhirUser: "Practitioner/dr-" + _unique);

        using (var read = await _client.SendAsync(HttpMethod.Get, $"/fhir/Observation/{observation}", doctor))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        var audit = await _trail.EventuallyAsync(patient, e => Subtype(e) == "read" && Who(e).Contains("Practitioner/dr-" + _unique));
        Assert.Contains(audit["entity"]!.AsArray(), e => (string?)e!["what"]?["reference"] == $"Consent/{consent}");
    }

    [Fact]
    public async Task Search_OverTwoPatients_GivesOneAuditEventEachWithTheQuery()
    {
        var a = await _trail.CreateAsync("""{"resourceType":"Patient","name":[{"family":"A"}]}""");
        var b = await _trail.CreateAsync("""{"resourceType":"Patient","name":[{"family":"B"}]}""");
        await _trail.CreateAsync(Observation(a));
        await _trail.CreateAsync(Observation(b));
        var user = TestTokens.Access("user/*.rs", fhirUser: "Practitioner/dr-" + _unique);

        using (var search = await _client.SendAsync(HttpMethod.Get, $"/fhir/Observation?_tag=http://example.org/test-run|{_unique}", user))
        {
            Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        }

        foreach (var patient in new[] { a, b })
        {
            var audit = await _trail.EventuallyAsync(patient, e => Subtype(e) == "search-type" && Who(e).Contains("Practitioner/dr-" + _unique));
            var query = audit["entity"]!.AsArray().Single(e => (string?)e!["role"]?["code"] == "24")!;
            Assert.Contains(_unique, Encoding.UTF8.GetString(Convert.FromBase64String((string)query["query"]!)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Write_IsAuditedInItsOwnTransaction()
    {
        var patient = await _trail.CreateAsync("""{"resourceType":"Patient","name":[{"family":"Written"}]}""");

        var observation = await _trail.CreateAsync(Observation(patient));

        // No waiting: the AuditEvent of a write commits with the write.
        var audits = await SearchAsync($"AuditEvent?entity=Observation/{observation}", Auditor);
        var audit = Assert.Single(audits);
        Assert.Equal("create", Subtype(audit));
        Assert.Equal("C", (string?)audit["action"]);
        Assert.Contains(audit["entity"]!.AsArray(), e => (string?)e!["what"]?["reference"] == $"Patient/{patient}");
    }

    [Fact]
    public async Task Refusal_IsAuditedWithItsFailure()
    {
        var patient = await _trail.CreateAsync("""{"resourceType":"Patient","name":[{"family":"Refused"}]}""");
        var observation = await _trail.CreateAsync(Observation(patient));
        var narrow = TestTokens.Access("user/Patient.rs", fhirUser: "Practitioner/dr-" + _unique);

        using (var read = await _client.SendAsync(HttpMethod.Get, $"/fhir/Observation/{observation}", narrow))
        {
            Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        }

        var audit = await _trail.EventuallyAsync(patient, e => Subtype(e) == "read" && Who(e).Contains("Practitioner/dr-" + _unique));
        Assert.Equal("4", (string?)audit["outcome"]);
    }

    [Fact]
    public async Task BreakTheGlass_IsAuditedAsSuch()
    {
        var patient = await _trail.CreateAsync("""{"resourceType":"Patient","name":[{"family":"Glass"}]}""");
        await _trail.CreateAsync(Observation(patient));
        var token = TestTokens.Access("user/*.rs", fhirUser: "Practitioner/dr-" + _unique, purposes: ["TREAT", "BTG"]);

        using (var search = await _client.SendAsync(HttpMethod.Get, $"/fhir/Observation?_tag=http://example.org/test-run|{_unique}", token, purpose: "BTG"))
        {
            Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        }

        await _trail.EventuallyAsync(patient, e => Who(e).Contains("Practitioner/dr-" + _unique) &&
            e["purposeOfEvent"]?.AsArray().Any(p => (string?)p!["coding"]![0]!["code"] == "BTG") == true);
    }

    [Fact]
    public async Task Disclosures_ForThePatientAndStaffOnly()
    {
        var patient = await _trail.CreateAsync("""{"resourceType":"Patient","name":[{"family":"Discloses"}]}""");
        var other = await _trail.CreateAsync("""{"resourceType":"Patient","name":[{"family":"Other"}]}""");

        using var byPatient = await _client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{patient}/$disclosures", TestTokens.Access("patient/*.rs", patient: patient));
        using var byOtherPatient = await _client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{patient}/$disclosures", TestTokens.Access("patient/*.rs", patient: other));
        using var byDoctor = await _client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{patient}/$disclosures", TestTokens.Access("user/Patient.rs user/Observation.rs"));
        using var byAuditor = await _client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{patient}/$disclosures", Auditor);

        Assert.Equal(HttpStatusCode.OK, byPatient.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byOtherPatient.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byDoctor.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byAuditor.StatusCode);
        Assert.Contains((await byAuditor.BodyAsync())["entry"]!.AsArray(), e => Subtype(e!["resource"]!.AsObject()) == "create");
    }

    private string Observation(string patient) => $$$"""
        {"resourceType":"Observation","meta":{"tag":[{"system":"http://example.org/test-run","code":"{{{_unique}}}"}]},"status":"final",
         "code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/{{{patient}}}"}}
        """;

    private async Task<List<JsonObject>> SearchAsync(string relative, string token)
    {
        using var response = await _client.SendAsync(HttpMethod.Get, "/fhir/" + relative, token);
        var body = await response.BodyAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return (body["entry"]?.AsArray() ?? []).Select(e => e!["resource"]!.AsObject()).ToList();
    }
}

public sealed class SqliteAuditTests(SecuritySqliteFixture fixture) : AuditTests(fixture), IClassFixture<SecuritySqliteFixture>;

public sealed class PostgresAuditTests(SecurityPostgresFixture fixture) : AuditTests(fixture), IClassFixture<SecurityPostgresFixture>;
