using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using FhirMh.FhirServer.IntegrationTests.Security;

namespace FhirMh.FhirServer.IntegrationTests.Referrals;

/// <summary>
/// Who may move a referral Task, from the access token's fhirUser (issue #9): the requester's side
/// sets draft, requested, cancelled and entered-in-error, the owner's side the rest. Each test makes
/// its own parties: a GP's role at a practice (the requester), a talking-therapies service provided
/// by a trust (the owner), a therapist with a role in the service, a manager with a role at the
/// trust, a former therapist whose role is no longer active, and a stranger.
/// </summary>
public abstract class ReferralSecurityTests(StorageFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();
    private readonly string _unique = Guid.NewGuid().ToString("N")[..10];

    /// <summary>Made fresh for each use: a long run outlives a token.</summary>
    private static string Admin => TestTokens.Access("system/*.cruds");

    [Fact]
    public async Task Create_ByTheRequestersPractitioner_Is201()
    {
        var parties = await PartiesAsync();

        var (task, _) = await ReferAsync(parties);

        Assert.Equal("requested", (string?)task["status"]);
    }

    [Fact]
    public async Task Create_NamingSomeoneElseAsRequester_Is403()
    {
        var parties = await PartiesAsync();
        var request = await CreateAsync(ReferralResources.ServiceRequest(parties.Patient, parties.GpRole, parties.Service), Admin);

        using var response = await SendAsync(HttpMethod.Post, "Task", User(parties.Stranger), ReferralTask(parties, request));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("forbidden", (string?)issue["code"]);
        Assert.Contains(parties.GpRole, (string?)issue["diagnostics"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Receive_ByAServiceMemberThroughTheirRole_Is200()
    {
        var parties = await PartiesAsync();
        var (task, _) = await ReferAsync(parties);

        using var response = await MoveAsync(task, "received", User(parties.Therapist));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Receive_ByAMemberOfTheOrganizationProvidingTheService_Is200()
    {
        var parties = await PartiesAsync();
        var (task, _) = await ReferAsync(parties);

        using var response = await MoveAsync(task, "received", User(parties.Manager));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Receive_WithThePractitionerRoleAsFhirUser_Is200()
    {
        var parties = await PartiesAsync();
        var (task, _) = await ReferAsync(parties);

        using var response = await MoveAsync(task, "received", TestTokens.Access("user/*.cruds", fhirUser: parties.TherapistRole));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Receive_WithTheOwnerItselfAsFhirUser_Is200()
    {
        var parties = await PartiesAsync();
        var (task, _) = await ReferAsync(parties);

        using var response = await MoveAsync(task, "received", TestTokens.Access("user/*.cruds", fhirUser: parties.Service));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Receive_ThroughARoleNoLongerActive_Is403()
    {
        var parties = await PartiesAsync();
        var (task, _) = await ReferAsync(parties);

        using var response = await MoveAsync(task, "received", User(parties.Former));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Receive_WithATokenWithoutFhirUser_Is403()
    {
        var parties = await PartiesAsync();
        var (task, _) = await ReferAsync(parties);

        using var response = await MoveAsync(task, "received", Admin);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("without a fhirUser", (string?)(await response.SingleIssueAsync())["diagnostics"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accept_ByTheRequester_Is403AndWritesNothing()
    {
        var parties = await PartiesAsync();
        var (task, _) = await ReferAsync(parties);
        task = await MovedAsync(task, "received", User(parties.Therapist));

        using var response = await MoveAsync(task, "accepted", User(parties.Gp));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("Task.status", (string?)issue["expression"]![0]);
        Assert.Contains("owner", (string?)issue["diagnostics"], StringComparison.Ordinal);
        Assert.Equal("received", (string?)(await ReadAsync($"Task/{task.Id()}"))["status"]);
    }

    [Fact]
    public async Task Cancel_ByTheOwner_Is403()
    {
        var parties = await PartiesAsync();
        var (task, _) = await ReferAsync(parties);
        task = await MovedAsync(task, "received", User(parties.Therapist));
        task = await MovedAsync(task, "accepted", User(parties.Therapist));

        using var response = await MoveAsync(task, "cancelled", User(parties.Therapist), reason: "No capacity");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("requester", (string?)(await response.SingleIssueAsync())["diagnostics"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_ByTheRequester_Is200AndRevokesTheServiceRequest()
    {
        var parties = await PartiesAsync();
        var (task, request) = await ReferAsync(parties);
        task = await MovedAsync(task, "received", User(parties.Therapist));
        task = await MovedAsync(task, "accepted", User(parties.Therapist));

        using var response = await MoveAsync(task, "cancelled", User(parties.Gp), reason: "The client found a service nearer home");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("revoked", (string?)(await ReadAsync($"ServiceRequest/{request}"))["status"]);
    }

    [Fact]
    public async Task ClosedLoop_OwnerCompletesWithOutput_TheRequesterSeesTheOutcomeInItsList()
    {
        var parties = await PartiesAsync();
        var (task, request) = await ReferAsync(parties);
        foreach (var step in new[] { "received", "accepted", "in-progress" })
        {
            task = await MovedAsync(task, step, User(parties.Therapist));
        }

        task = await MovedAsync(task, "completed", User(parties.Therapist), output: $"Encounter/assessment-{_unique}");

        var list = await ReadAsync($"Task?requester={parties.GpRole}&_include=Task:focus", User(parties.Gp));
        Assert.Equal([task.Id()], list.Ids("match"));
        var included = Assert.Single(list.Entries(), e => (string?)e["search"]!["mode"] == "include");
        Assert.Equal(request, (string?)included["resource"]!["id"]);
        Assert.Equal("completed", (string?)included["resource"]!["status"]);
    }

    [Fact]
    public async Task EnteredInError_ByTheRequesterNotTheOwner()
    {
        var parties = await PartiesAsync();
        var (task, _) = await ReferAsync(parties);
        task = await MovedAsync(task, "received", User(parties.Therapist));

        using var byOwner = await MoveAsync(task, "entered-in-error", User(parties.Therapist));
        using var byRequester = await MoveAsync(task, "entered-in-error", User(parties.Gp));

        Assert.Equal(HttpStatusCode.Forbidden, byOwner.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byRequester.StatusCode);
    }

    [Fact]
    public async Task ChangeOwner_ByTheRequesterOnceSent_Is403()
    {
        var parties = await PartiesAsync();
        var (task, _) = await ReferAsync(parties);
        task["owner"] = ReferralResources.Reference(parties.GpRole);

        using var response = await SendAsync(HttpMethod.Put, $"Task/{task.Id()}", User(parties.Gp), task, $"W/\"{task.VersionId()}\"");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Task.owner", (string?)(await response.SingleIssueAsync())["expression"]![0]);
    }

    [Fact]
    public async Task ChangeOwner_ByTheRequesterWhileDraft_Is200()
    {
        var parties = await PartiesAsync();
        var (task, _) = await ReferAsync(parties, status: "draft");
        var otherService = await CreateAsync(new JsonObject { ["resourceType"] = "HealthcareService", ["name"] = "Eating disorders " + _unique }, Admin);
        task["owner"] = ReferralResources.Reference($"HealthcareService/{otherService}");

        using var response = await SendAsync(HttpMethod.Put, $"Task/{task.Id()}", User(parties.Gp), task);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ChangeOwner_ByTheOwner_HandsTheReferralOn()
    {
        var parties = await PartiesAsync();
        var (task, _) = await ReferAsync(parties);
        var otherService = await CreateAsync(new JsonObject { ["resourceType"] = "HealthcareService", ["name"] = "Eating disorders " + _unique }, Admin);
        task["owner"] = ReferralResources.Reference($"HealthcareService/{otherService}");

        using var byStranger = await SendAsync(HttpMethod.Put, $"Task/{task.Id()}", User(parties.Stranger), task);
        using var byOwner = await SendAsync(HttpMethod.Put, $"Task/{task.Id()}", User(parties.Therapist), task);

        Assert.Equal(HttpStatusCode.Forbidden, byStranger.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byOwner.StatusCode);
    }

    private static string User(string practitioner) => TestTokens.Access("user/*.cruds", fhirUser: practitioner);

    /// <summary>The GP refers: the ServiceRequest (written by an administrator) and a Task the GP writes, requested unless said otherwise.</summary>
    private async Task<(JsonObject Task, string ServiceRequest)> ReferAsync(Parties parties, string status = "requested")
    {
        var request = await CreateAsync(ReferralResources.ServiceRequest(parties.Patient, parties.GpRole, parties.Service), Admin);
        var task = ReferralTask(parties, request);
        task["status"] = status;
        using var response = await SendAsync(HttpMethod.Post, "Task", User(parties.Gp), task);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.BodyAsync(), request);
    }

    private static JsonObject ReferralTask(Parties parties, string request) =>
        ReferralResources.Task("requested", $"ServiceRequest/{request}", parties.Patient, parties.GpRole, parties.Service);

    private Task<HttpResponseMessage> MoveAsync(JsonObject task, string status, string token, string? reason = null, string? output = null)
    {
        var copy = (JsonObject)task.DeepClone();
        copy["status"] = status;
        if (reason is not null)
        {
            copy["statusReason"] = new JsonObject { ["text"] = reason };
        }

        if (output is not null)
        {
            copy["output"] = new JsonArray(new JsonObject
            {
                ["type"] = new JsonObject { ["text"] = "Assessment" },
                ["valueReference"] = ReferralResources.Reference(output),
            });
        }

        return SendAsync(HttpMethod.Put, $"Task/{task.Id()}", token, copy, $"W/\"{task.VersionId()}\"");
    }

    private async Task<JsonObject> MovedAsync(JsonObject task, string status, string token, string? output = null)
    {
        using var response = await MoveAsync(task, status, token, output: output);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{status}: {await response.Content.ReadAsStringAsync()}");
        return await response.BodyAsync();
    }

    private async Task<Parties> PartiesAsync()
    {
        var practice = await CreateAsync(Named("Organization", "Riverside Surgery"), Admin);
        var trust = await CreateAsync(Named("Organization", "Community Mental Health Trust"), Admin);
        var service = await CreateAsync(new JsonObject
        {
            ["resourceType"] = "HealthcareService",
            ["name"] = "Talking therapies " + _unique,
            ["providedBy"] = ReferralResources.Reference($"Organization/{trust}"),
        }, Admin);
        var gp = await PractitionerAsync("Okafor");
        var gpRole = await RoleAsync(gp, organization: $"Organization/{practice}");
        var therapist = await PractitionerAsync("Lindqvist");
        var therapistRole = await RoleAsync(therapist, service: $"HealthcareService/{service}");
        var manager = await PractitionerAsync("Haddad");
        await RoleAsync(manager, organization: $"Organization/{trust}");
        var former = await PractitionerAsync("Moreau");
        await RoleAsync(former, service: $"HealthcareService/{service}", isActive: false);
        var stranger = await PractitionerAsync("Nakamura");
        var patient = await CreateAsync(Fhir.Patient("Referred-" + _unique), Admin);
        return new Parties(
            $"Patient/{patient}",
            $"Practitioner/{gp}",
            $"PractitionerRole/{gpRole}",
            $"HealthcareService/{service}",
            $"Practitioner/{therapist}",
            $"PractitionerRole/{therapistRole}",
            $"Practitioner/{manager}",
            $"Practitioner/{former}",
            $"Practitioner/{stranger}");
    }

    private JsonObject Named(string type, string name) => new() { ["resourceType"] = type, ["name"] = $"{name} {_unique}" };

    private async Task<string> PractitionerAsync(string family) => await CreateAsync(new JsonObject
    {
        ["resourceType"] = "Practitioner",
        ["name"] = new JsonArray(new JsonObject { ["family"] = family }),
    }, Admin);

    private async Task<string> RoleAsync(string practitioner, string? organization = null, string? service = null, bool isActive = true)
    {
        var role = new JsonObject
        {
            ["resourceType"] = "PractitionerRole",
            ["active"] = isActive,
            ["practitioner"] = ReferralResources.Reference($"Practitioner/{practitioner}"),
        };
        if (organization is not null)
        {
            role["organization"] = ReferralResources.Reference(organization);
        }

        if (service is not null)
        {
            role["healthcareService"] = new JsonArray(ReferralResources.Reference(service));
        }

        return await CreateAsync(role, Admin);
    }

    private async Task<string> CreateAsync(JsonObject resource, string token)
    {
        using var response = await SendAsync(HttpMethod.Post, (string)resource["resourceType"]!, token, resource);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.BodyAsync()).Id();
    }

    private async Task<JsonObject> ReadAsync(string relative, string? token = null)
    {
        using var response = await SendAsync(HttpMethod.Get, relative, token ?? Admin);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{relative}: {await response.Content.ReadAsStringAsync()}");
        return await response.BodyAsync();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string relative, string token, JsonObject? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, "/fhir/" + relative) { Content = body is null ? null : Fhir.Json(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await _client.SendAsync(request);
    }

    /// <summary>The references of one test's parties.</summary>
    private sealed record Parties(
        string Patient,
        string Gp,
        string GpRole,
        string Service,
        string Therapist,
        string TherapistRole,
        string Manager,
        string Former,
        string Stranger);
}

public sealed class SqliteReferralSecurityTests(SecuritySqliteFixture fixture) : ReferralSecurityTests(fixture), IClassFixture<SecuritySqliteFixture>;

public sealed class PostgresReferralSecurityTests(SecurityPostgresFixture fixture) : ReferralSecurityTests(fixture), IClassFixture<SecurityPostgresFixture>;
