using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests.Referrals;

/// <summary>
/// The referral profiles (profiles/StructureDefinition-mh-referral-*.json): a referral Task is a
/// fulfil request whose focus is the ServiceRequest, owned by the receiving organization, service
/// or practitioner role, with a BSeR business status; a ServiceRequest names its performer. A
/// resource claiming a profile and breaking it is refused with 422 at the offending element.
/// </summary>
public abstract class ReferralProfileTests(StorageFixture fixture)
{
    private const string Patient = "Patient/referral-profile-client";
    private const string Requester = "PractitionerRole/referral-profile-gp";
    private const string Owner = "HealthcareService/referral-profile-talking-therapies";

    private readonly HttpClient _client = fixture.CreateClient();

    [Theory]
    [InlineData("mh-referral-task", "Task")]
    [InlineData("mh-referral-servicerequest", "ServiceRequest")]
    public async Task ReferralProfile_IsStoredWithAGeneratedSnapshot(string id, string type)
    {
        using var response = await _client.GetAsync($"/fhir/StructureDefinition/{id}");
        var profile = await response.BodyAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, (string?)profile["snapshot"]!["element"]![0]!["path"]);
    }

    [Fact]
    public async Task ServiceRequest_Conforming_Is201()
    {
        using var response = await _client.PostAsync("/fhir/ServiceRequest", Fhir.Json(ServiceRequest()));

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ServiceRequest_WithoutPerformer_Is422AtPerformer()
    {
        var request = ServiceRequest();
        request.Remove("performer");

        var issue = await SingleErrorAsync(request);

        Assert.Equal("ServiceRequest.performer", ValidationTests.Expression(issue));
    }

    [Fact]
    public async Task Task_ConformingWithoutBasedOn_Is201()
    {
        using var response = await _client.PostAsync("/fhir/Task", Fhir.Json(Task()));

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Task_WithoutFocus_Is422AtFocus()
    {
        var task = Task();
        task.Remove("focus");
        task["basedOn"] = new JsonArray(ReferralResources.Reference("ServiceRequest/referral-profile-request"));

        var issue = await SingleErrorAsync(task);

        Assert.Equal("Task.focus", ValidationTests.Expression(issue));
    }

    [Fact]
    public async Task Task_WithoutOwner_Is422AtOwner()
    {
        var task = Task();
        task.Remove("owner");

        var issue = await SingleErrorAsync(task);

        Assert.Equal("Task.owner", ValidationTests.Expression(issue));
    }

    [Fact]
    public async Task Task_CodeOtherThanFulfill_Is422AtCode()
    {
        var task = Task();
        task["code"]!["coding"]![0]!["code"] = "approve";

        var issue = await SingleErrorAsync(task);

        Assert.StartsWith("Task.code", ValidationTests.Expression(issue));
    }

    [Fact]
    public async Task Task_IntentOtherThanOrder_Is422AtIntent()
    {
        var task = Task();
        task["intent"] = "plan";

        var issue = await SingleErrorAsync(task);

        Assert.StartsWith("Task.intent", ValidationTests.Expression(issue));
    }

    [Theory]
    [InlineData("2.0")]
    [InlineData("3.0")]
    [InlineData("4.0")]
    [InlineData("5.1.1")]
    [InlineData("5.1.2")]
    [InlineData("5.1.3")]
    [InlineData("5.1.4")]
    [InlineData("6.0")]
    [InlineData("7.0")]
    public async Task Task_BSeRBusinessStatus_Is201(string code)
    {
        var task = Task();
        task["businessStatus"] = new JsonObject
        {
            ["coding"] = new JsonArray(new JsonObject { ["system"] = ReferralResources.BusinessStatus, ["code"] = code }),
        };

        using var response = await _client.PostAsync("/fhir/Task", Fhir.Json(task));

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(ReferralResources.BusinessStatus, "5.x")]
    [InlineData("https://fhirmh.org/fhir/CodeSystem/referral-business-status", "accepted")]
    public async Task Task_BusinessStatusOutsideTheBSeRCodes_Is422AtBusinessStatus(string system, string code)
    {
        var task = Task();
        task["businessStatus"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = system, ["code"] = code }) };

        using var response = await _client.PostAsync("/fhir/Task", Fhir.Json(task));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(await ValidationTests.IssuesAsync(response), i => (string?)i["severity"] == "error" && ValidationTests.Expression(i)?.StartsWith("Task.businessStatus", StringComparison.Ordinal) == true);
    }

    [Theory]
    [InlineData("rejected", "mhrt-1")]
    [InlineData("cancelled", "mhrt-1")]
    [InlineData("failed", "mhrt-1")]
    [InlineData("completed", "mhrt-2")]
    public async Task Validate_EndedTaskWithoutReasonOrOutput_BreaksTheInvariant(string status, string invariant)
    {
        var task = Task();
        task["status"] = status;

        using var response = await _client.PostAsync("/fhir/Task/$validate", Fhir.Json(task));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(await ValidationTests.IssuesAsync(response), i => (string?)i["severity"] == "error" && ((string?)i["diagnostics"])?.Contains(invariant, StringComparison.Ordinal) == true);
    }

    [Theory]
    [InlineData("rejected")]
    [InlineData("completed")]
    public async Task Validate_EndedTaskWithReasonAndOutput_HasNoError(string status)
    {
        var task = Task();
        task["status"] = status;
        task["statusReason"] = new JsonObject { ["text"] = "Outside the service's catchment area" };
        task["output"] = new JsonArray(new JsonObject
        {
            ["type"] = new JsonObject { ["text"] = "Discharge summary" },
            ["valueReference"] = ReferralResources.Reference("DocumentReference/referral-profile-summary"),
        });

        using var response = await _client.PostAsync("/fhir/Task/$validate", Fhir.Json(task));

        Assert.DoesNotContain(await ValidationTests.IssuesAsync(response), i => (string?)i["severity"] is "error" or "fatal");
    }

    private static JsonObject ServiceRequest() => ReferralResources.ServiceRequest(Patient, Requester, Owner);

    private static JsonObject Task() => ReferralResources.Task("requested", "ServiceRequest/referral-profile-request", Patient, Requester, Owner);

    /// <summary>Posts <paramref name="resource"/>, expects 422, and returns its one error (the rest of the resource is valid).</summary>
    private async Task<JsonObject> SingleErrorAsync(JsonObject resource)
    {
        using var response = await _client.PostAsync($"/fhir/{(string)resource["resourceType"]!}", Fhir.Json(resource));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        return Assert.Single(await ValidationTests.IssuesAsync(response), i => (string?)i["severity"] is "error" or "fatal");
    }
}

public sealed class SqliteReferralProfileTests(SqliteFixture fixture) : ReferralProfileTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresReferralProfileTests(PostgresFixture fixture) : ReferralProfileTests(fixture), IClassFixture<PostgresFixture>;
