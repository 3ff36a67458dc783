using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests.Security;

/// <summary>Writes test data as an administrator and reads the audit trail as staff do, through <c>Patient/[id]/$disclosures</c>.</summary>
internal sealed class AuditTrailReader(HttpClient client)
{
    /// <summary>Made fresh for each use: a long run outlives a token.</summary>
    public static string Admin => TestTokens.Access("system/*.cruds");

    /// <summary>Staff who may read the whole audit trail.</summary>
    public static string Auditor => TestTokens.Access("user/AuditEvent.rs");

    public static string? Subtype(JsonObject audit) => (string?)audit["subtype"]?[0]?["code"];

    public static List<string> Who(JsonObject audit) =>
        audit["agent"]!.AsArray().Select(a => (string?)a!["who"]?["reference"]).OfType<string>().ToList();

    /// <summary>AuditEvents of reads are written in the background: waits for one to appear in the patient's disclosures.</summary>
    public async Task<JsonObject> EventuallyAsync(string patient, Func<JsonObject, bool> match)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var found = (await DisclosuresAsync(patient)).FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(200);
        }

        throw new Xunit.Sdk.XunitException($"No matching AuditEvent for Patient/{patient} within 10 s.");
    }

    public async Task<List<JsonObject>> DisclosuresAsync(string patient)
    {
        using var response = await client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{patient}/$disclosures?_count=1000", Auditor);
        var body = await response.BodyAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return (body["entry"]?.AsArray() ?? []).Select(e => e!["resource"]!.AsObject()).ToList();
    }

    /// <summary>Creates a resource as an administrator; returns its id.</summary>
    public async Task<string> CreateAsync(string json)
    {
        var type = (string)JsonNode.Parse(json)!["resourceType"]!;
        using var response = await client.SendAsync(HttpMethod.Post, $"/fhir/{type}", Admin, json);
        var body = await response.BodyAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        return body.Id();
    }

    /// <summary>The golden record a source Patient of the client registry is linked to.</summary>
    public async Task<string> GoldenOfAsync(string source)
    {
        using var response = await client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{source}", Admin);
        var body = await response.BodyAsync();
        var link = body["link"]!.AsArray().Single(l => (string?)l!["type"] == "refer")!;
        return ((string)link["other"]!["reference"]!)["Patient/".Length..];
    }
}
