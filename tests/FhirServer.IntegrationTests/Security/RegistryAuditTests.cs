using System.Net;
using static FhirMh.FhirServer.IntegrationTests.Security.AuditTrailReader;

namespace FhirMh.FhirServer.IntegrationTests.Security;

/// <summary>
/// The client registry's operations with security and audit on: the golden records that
/// <c>Patient/$match</c> returns are disclosures of those people, audited as search results are.
/// </summary>
public abstract class RegistryAuditTests
{
    private readonly HttpClient _client;
    private readonly AuditTrailReader _trail;
    private readonly string _unique = Guid.NewGuid().ToString("N")[..10];

    protected RegistryAuditTests(StorageFixture fixture)
    {
        _client = fixture.CreateClient();
        _trail = new AuditTrailReader(_client);
    }

    [Fact]
    public async Task Match_IsAuditedForEachGoldenRecordItReturns()
    {
        var person = $$"""
            {"resourceType":"Patient","identifier":[{"system":"https://clinic-a.example/mrn","value":"{{_unique}}"}],
             "name":[{"family":"Quillfeather{{_unique}}","given":["Ottoline"]}],"gender":"female","birthDate":"1961-04-17"}
            """;
        var source = await _trail.CreateAsync(person);
        var golden = await _trail.GoldenOfAsync(source);
        var clerk = TestTokens.Access("user/Patient.rs", fhirUser: "Practitioner/clerk-" + _unique);
        var query = $$$"""
            {"resourceType":"Parameters","parameter":[{"name":"resource","resource":
             {"resourceType":"Patient","name":[{"family":"Quillfeather{{{_unique}}}","given":["Ottoline"]}],"gender":"female","birthDate":"1961-04-17"}}]}
            """;

        using (var match = await _client.SendAsync(HttpMethod.Post, "/fhir/Patient/$match", clerk, query))
        {
            var body = await match.BodyAsync();
            Assert.True(match.StatusCode == HttpStatusCode.OK, body.ToJsonString());
            Assert.Contains(body["entry"]!.AsArray(), e => (string?)e!["resource"]!["id"] == golden);
        }

        var audit = await _trail.EventuallyAsync(golden, e => Subtype(e) == "operation" && Who(e).Contains("Practitioner/clerk-" + _unique));
        Assert.Contains(audit["entity"]!.AsArray(), e => (string?)e!["what"]?["reference"] == $"Patient/{golden}");
    }
}

public sealed class SecureRegistrySqliteFixture : SqliteFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = TestTokens.Settings(new Dictionary<string, string> { ["ClientRegistry:Enabled"] = "true" });
}

public sealed class SecureRegistryPostgresFixture : PostgresFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = TestTokens.Settings(new Dictionary<string, string> { ["ClientRegistry:Enabled"] = "true" });
}

public sealed class SqliteRegistryAuditTests(SecureRegistrySqliteFixture fixture) : RegistryAuditTests(fixture), IClassFixture<SecureRegistrySqliteFixture>;

public sealed class PostgresRegistryAuditTests(SecureRegistryPostgresFixture fixture) : RegistryAuditTests(fixture), IClassFixture<SecureRegistryPostgresFixture>;
