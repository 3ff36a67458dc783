using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests.Referrals;

/// <summary>
/// The referral workflow on every write path (issue #9): the Task state machine, If-Match on each
/// status change, a reason or an output for a Task that ends, and the ServiceRequest following its
/// Task, through update, patch, conditional update, transaction and batch entries; and the two
/// searches the parties work from. Security is off here: who may set which status is
/// <see cref="ReferralSecurityTests"/>'s.
/// </summary>
public abstract class ReferralWorkflowTests(StorageFixture fixture)
{
    /// <summary>The R4 task-status codes (https://hl7.org/fhir/R4/valueset-task-status.html).</summary>
    private static readonly string[] Statuses =
        ["draft", "requested", "received", "accepted", "rejected", "ready", "cancelled", "in-progress", "on-hold", "failed", "completed", "entered-in-error"];

    /// <summary>The transitions issue #9 allows, plus draft -> cancelled; every status may also go to entered-in-error.</summary>
    private static readonly (string From, string To)[] Listed =
    [
        ("draft", "requested"), ("requested", "received"), ("received", "accepted"), ("received", "rejected"),
        ("accepted", "in-progress"), ("in-progress", "on-hold"), ("on-hold", "in-progress"),
        ("in-progress", "completed"), ("in-progress", "failed"),
        ("draft", "cancelled"), ("requested", "cancelled"), ("received", "cancelled"), ("accepted", "cancelled"),
    ];

    /// <summary>How a Task created as draft or requested reaches each status a client can bring it to (all but ready).</summary>
    private static readonly Dictionary<string, string[]> PathTo = new()
    {
        ["draft"] = [],
        ["requested"] = [],
        ["received"] = ["received"],
        ["accepted"] = ["received", "accepted"],
        ["rejected"] = ["received", "rejected"],
        ["in-progress"] = ["received", "accepted", "in-progress"],
        ["on-hold"] = ["received", "accepted", "in-progress", "on-hold"],
        ["completed"] = ["received", "accepted", "in-progress", "completed"],
        ["failed"] = ["received", "accepted", "in-progress", "failed"],
        ["cancelled"] = ["cancelled"],
        ["entered-in-error"] = ["entered-in-error"],
    };

    private readonly HttpClient _client = fixture.CreateClient();
    private readonly string _unique = Guid.NewGuid().ToString("N")[..10];

    private string Patient => $"Patient/client-{_unique}";

    private string Requester => $"PractitionerRole/gp-{_unique}";

    private string Owner => $"Organization/talking-therapies-{_unique}";

    public static TheoryData<string, string> AllowedTransitions()
    {
        var data = new TheoryData<string, string>();
        foreach (var (from, to) in Allowed())
        {
            data.Add(from, to);
        }

        return data;
    }

    /// <summary>Every pair of a status a Task can be in (all but ready) and another status that the machine does not allow.</summary>
    public static TheoryData<string, string> ForbiddenTransitions()
    {
        var allowed = Allowed().ToHashSet();
        var data = new TheoryData<string, string>();
        foreach (var from in PathTo.Keys)
        {
            foreach (var to in Statuses.Where(s => s != from && !allowed.Contains((from, s))))
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Fact]
    public void ForbiddenTransitions_AreEveryOtherPairFromEachReachableStatus()
    {
        // 11 reachable statuses x 11 other statuses, less the 13 listed transitions and 10 to entered-in-error.
        Assert.Equal(98, ForbiddenTransitions().Count);
        Assert.Equal(23, AllowedTransitions().Count);
    }

    [Theory]
    [MemberData(nameof(AllowedTransitions))]
    public async Task Transition_Allowed_Is200AndStored(string from, string to)
    {
        var referral = await ReferralAtAsync(from);

        using var response = await PutTaskAsync(Ended(referral.Task, to), referral.ETag);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var stored = await ReadAsync($"Task/{referral.TaskId}");
        Assert.Equal(to, (string?)stored["status"]);
    }

    [Theory]
    [MemberData(nameof(ForbiddenTransitions))]
    public async Task Transition_Forbidden_Is409NamingBothStatusesAndWritesNothing(string from, string to)
    {
        var referral = await ReferralAtAsync(from);

        using var response = await PutTaskAsync(Ended(referral.Task, to), referral.ETag);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("business-rule", (string?)issue["code"]);
        Assert.Equal("Task.status", (string?)issue["expression"]![0]);
        Assert.Contains($"from {from} to {to}", (string?)issue["diagnostics"], StringComparison.Ordinal);
        var stored = await ReadAsync($"Task/{referral.TaskId}");
        Assert.Equal(from, (string?)stored["status"]);
        Assert.Equal(referral.Task.VersionId(), stored.VersionId());
    }

    [Theory]
    [InlineData("received")]
    [InlineData("accepted")]
    [InlineData("in-progress")]
    [InlineData("completed")]
    [InlineData("ready")]
    public async Task Create_PastTheStart_Is422AtStatus(string status)
    {
        var request = await CreateAsync(ServiceRequest());

        using var response = await _client.PostAsync("/fhir/Task", Fhir.Json(Ended(ReferralTask(status, request), status)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("Task.status", (string?)issue["expression"]![0]);
        Assert.Contains(status, (string?)issue["diagnostics"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateAsCreate_PastTheStart_Is422()
    {
        var request = await CreateAsync(ServiceRequest());
        var task = ReferralTask("in-progress", request);
        task["id"] = "referral-" + _unique;

        using var response = await PutTaskAsync(task, ifMatch: null);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/fhir/Task/referral-{_unique}")).StatusCode);
    }

    [Fact]
    public async Task Update_StatusChangeWithoutIfMatch_Is428AndWritesNothing()
    {
        var referral = await ReferralAtAsync("requested");

        using var response = await PutTaskAsync(With(referral.Task, "received"), ifMatch: null);

        Assert.Equal((HttpStatusCode)428, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("If-Match", (string?)issue["expression"]![0]);
        Assert.Contains("from requested to received", (string?)issue["diagnostics"], StringComparison.Ordinal);
        Assert.Equal("requested", (string?)(await ReadAsync($"Task/{referral.TaskId}"))["status"]);
    }

    [Fact]
    public async Task Update_StatusChangeWithIfMatchStar_Is428()
    {
        var referral = await ReferralAtAsync("requested");

        using var response = await PutTaskAsync(With(referral.Task, "received"), ifMatch: "*");

        Assert.Equal((HttpStatusCode)428, response.StatusCode);
    }

    [Fact]
    public async Task Update_StatusChangeWithAStaleVersion_Is412()
    {
        var referral = await ReferralAtAsync("received");

        using var response = await PutTaskAsync(With(referral.Task, "accepted"), ifMatch: "W/\"1\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
    }

    [Fact]
    public async Task Update_KeepingTheStatus_NeedsNoIfMatch()
    {
        var referral = await ReferralAtAsync("in-progress");
        var task = (JsonObject)referral.Task.DeepClone();
        task["businessStatus"] = ReferralResources.BusinessStatusOf("5.1.1", "Service Request Event Scheduled");

        using var response = await PutTaskAsync(task, ifMatch: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("5.1.1", (string?)(await ReadAsync($"Task/{referral.TaskId}"))["businessStatus"]!["coding"]![0]!["code"]);
    }

    [Fact]
    public async Task Accept_ByTwoOwnersAtOnceOnTwoServers_OneWinsTheOtherGets412()
    {
        var referral = await ReferralAtAsync("received");
        var second = fixture.CreateSecondServerClient();

        var responses = await Task.WhenAll(
            PutTaskAsync(With(referral.Task, "accepted"), referral.ETag),
            PutTaskAsync(second, With(referral.Task, "accepted"), referral.ETag));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], responses.Select(r => r.StatusCode).Order());
        var history = await ReadAsync($"Task/{referral.TaskId}/_history");
        Assert.Equal(3, history.Entries().Count);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Theory]
    [InlineData("received", "rejected")]
    [InlineData("accepted", "cancelled")]
    [InlineData("in-progress", "failed")]
    public async Task End_WithoutStatusReason_Is422AtStatusReason(string from, string to)
    {
        var referral = await ReferralAtAsync(from);
        var task = Unprofiled(With(referral.Task, to));
        task.Remove("statusReason");

        using var response = await PutTaskAsync(task, referral.ETag);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("Task.statusReason", (string?)issue["expression"]![0]);
        Assert.Contains($"from {from} to {to}", (string?)issue["diagnostics"], StringComparison.Ordinal);
        Assert.Equal(from, (string?)(await ReadAsync($"Task/{referral.TaskId}"))["status"]);
    }

    [Fact]
    public async Task Complete_WithoutOutput_Is422AtOutput()
    {
        var referral = await ReferralAtAsync("in-progress");
        var task = Unprofiled(With(referral.Task, "completed"));
        task.Remove("output");

        using var response = await PutTaskAsync(task, referral.ETag);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("Task.output", (string?)issue["expression"]![0]);
        Assert.Contains("from in-progress to completed", (string?)issue["diagnostics"], StringComparison.Ordinal);
        Assert.Equal("active", (string?)(await ReadAsync($"ServiceRequest/{referral.ServiceRequestId}"))["status"]);
    }

    [Fact]
    public async Task Complete_WithOutput_CompletesTheServiceRequestAsANewVersion()
    {
        var referral = await ReferralAtAsync("in-progress");
        var task = With(referral.Task, "completed");
        task["businessStatus"] = ReferralResources.BusinessStatusOf("7.0", "Service Request Fulfillment Completed");
        task["output"] = Output($"Encounter/first-session-{_unique}");

        using var response = await PutTaskAsync(task, referral.ETag);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = await ReadAsync($"ServiceRequest/{referral.ServiceRequestId}");
        Assert.Equal("completed", (string?)request["status"]);
        Assert.Equal("2", request.VersionId());
        Assert.Equal("Psychological therapies assessment", (string?)request["code"]!["text"]);
    }

    [Fact]
    public async Task Cancel_RevokesTheServiceRequest()
    {
        var referral = await ReferralAtAsync("accepted");

        using var response = await PutTaskAsync(Ended(referral.Task, "cancelled"), referral.ETag);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("revoked", (string?)(await ReadAsync($"ServiceRequest/{referral.ServiceRequestId}"))["status"]);
    }

    [Theory]
    [InlineData("received", "rejected")]
    [InlineData("in-progress", "failed")]
    [InlineData("accepted", "entered-in-error")]
    public async Task RejectFailOrError_LeavesTheServiceRequestAsItWas(string from, string to)
    {
        var referral = await ReferralAtAsync(from);

        using var response = await PutTaskAsync(Ended(referral.Task, to), referral.ETag);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = await ReadAsync($"ServiceRequest/{referral.ServiceRequestId}");
        Assert.Equal("active", (string?)request["status"]);
        Assert.Equal("1", request.VersionId());
    }

    [Fact]
    public async Task Patch_StatusChangeWithoutIfMatch_Is428()
    {
        var referral = await ReferralAtAsync("requested");

        using var response = await JsonPatchAsync(referral.TaskId, """[{"op":"replace","path":"/status","value":"received"}]""", ifMatch: null);

        Assert.Equal((HttpStatusCode)428, response.StatusCode);
        Assert.Equal("If-Match", (string?)(await response.SingleIssueAsync())["expression"]![0]);
    }

    [Fact]
    public async Task Patch_StatusChangeWithIfMatch_Is200()
    {
        var referral = await ReferralAtAsync("requested");

        using var response = await JsonPatchAsync(referral.TaskId, """[{"op":"replace","path":"/status","value":"received"}]""", referral.ETag);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("received", (string?)(await ReadAsync($"Task/{referral.TaskId}"))["status"]);
    }

    [Fact]
    public async Task Patch_ForbiddenTransition_Is409()
    {
        var referral = await ReferralAtAsync("requested");

        using var response = await JsonPatchAsync(referral.TaskId, """[{"op":"replace","path":"/status","value":"in-progress"}]""", referral.ETag);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("from requested to in-progress", (string?)(await response.SingleIssueAsync())["diagnostics"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patch_Cancel_RevokesTheServiceRequest()
    {
        var referral = await ReferralAtAsync("received");
        const string patch = """
            [{"op":"replace","path":"/status","value":"cancelled"},
             {"op":"add","path":"/statusReason","value":{"text":"The client moved away"}}]
            """;

        using var response = await JsonPatchAsync(referral.TaskId, patch, referral.ETag);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("revoked", (string?)(await ReadAsync($"ServiceRequest/{referral.ServiceRequestId}"))["status"]);
    }

    [Fact]
    public async Task ConditionalUpdate_StatusChange_NeedsIfMatchToo()
    {
        var referral = await ReferralAtAsync("requested");
        var url = $"/fhir/Task?identifier=https://referrals.example.org|{_unique}";

        using var without = await PutTaskAsync(_client, With(referral.Task, "received"), ifMatch: null, url);
        using var with = await PutTaskAsync(_client, With(referral.Task, "received"), referral.ETag, url);

        Assert.Equal((HttpStatusCode)428, without.StatusCode);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
    }

    [Fact]
    public async Task TransactionEntry_StatusChangeWithoutIfMatch_Is428AndRollsBackTheWholeBundle()
    {
        var referral = await ReferralAtAsync("requested");
        var family = "Rolled-" + _unique;
        var bundle = BundleJson.Of(
            "transaction",
            BundleJson.Entry("POST", "Patient", Fhir.Patient(family)),
            BundleJson.Entry("PUT", $"Task/{referral.TaskId}", With(referral.Task, "received")));

        using var response = await _client.PostBundleAsync(bundle);

        Assert.Equal((HttpStatusCode)428, response.StatusCode);
        Assert.Equal("Bundle.entry[1].request.ifMatch", (string?)(await response.SingleIssueAsync())["expression"]![0]);
        Assert.Equal("requested", (string?)(await ReadAsync($"Task/{referral.TaskId}"))["status"]);
        Assert.Empty((await ReadAsync($"Patient?family={family}")).Entries());
    }

    [Fact]
    public async Task TransactionEntry_ForbiddenTransition_Is409AtTheEntry()
    {
        var referral = await ReferralAtAsync("requested");
        var bundle = BundleJson.Of("transaction", BundleJson.Entry("PUT", $"Task/{referral.TaskId}", Ended(referral.Task, "completed"), ifMatch: referral.ETag));

        using var response = await _client.PostBundleAsync(bundle);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("Bundle.entry[0].resource.status", (string?)(await response.SingleIssueAsync())["expression"]![0]);
    }

    [Fact]
    public async Task TransactionEntry_CompletionWithTheEncounterItCreates_CompletesTheServiceRequestInTheSameTransaction()
    {
        var referral = await ReferralAtAsync("in-progress");
        var encounter = BundleJson.NewUrn();
        var task = With(referral.Task, "completed");
        task["output"] = Output(encounter);
        var bundle = BundleJson.Of(
            "transaction",
            BundleJson.Entry("POST", "Encounter", new JsonObject
            {
                ["resourceType"] = "Encounter",
                ["status"] = "finished",
                ["class"] = new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ActCode", ["code"] = "AMB" },
                ["subject"] = ReferralResources.Reference(Patient),
            }, fullUrl: encounter),
            BundleJson.Entry("PUT", $"Task/{referral.TaskId}", task, ifMatch: referral.ETag));

        using var response = await _client.PostBundleAsync(bundle);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var encounterId = (await response.BodyAsync()).Entries()[0].LocationId();
        var stored = await ReadAsync($"Task/{referral.TaskId}");
        Assert.Equal("completed", (string?)stored["status"]);
        Assert.Equal($"Encounter/{encounterId}", (string?)stored["output"]![0]!["valueReference"]!["reference"]);
        Assert.Equal("completed", (string?)(await ReadAsync($"ServiceRequest/{referral.ServiceRequestId}"))["status"]);
    }

    [Fact]
    public async Task TransactionEntry_FhirPathPatchWithIfMatch_MovesTheTask()
    {
        var referral = await ReferralAtAsync("requested");
        var bundle = BundleJson.Of("transaction", BundleJson.Entry("PATCH", $"Task/{referral.TaskId}", StatusPatch("received"), ifMatch: referral.ETag));

        using var response = await _client.PostBundleAsync(bundle);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal("received", (string?)(await ReadAsync($"Task/{referral.TaskId}"))["status"]);
    }

    [Fact]
    public async Task BatchEntries_EachHeldToTheMachineOnItsOwn()
    {
        var first = await ReferralAtAsync("requested");
        var second = await ReferralAtAsync("requested");
        var third = await ReferralAtAsync("requested");
        var bundle = BundleJson.Of(
            "batch",
            BundleJson.Entry("PUT", $"Task/{first.TaskId}", With(first.Task, "received")),
            BundleJson.Entry("PATCH", $"Task/{second.TaskId}", StatusPatch("received"), ifMatch: second.ETag),
            BundleJson.Entry("PUT", $"Task/{third.TaskId}", Ended(third.Task, "completed"), ifMatch: third.ETag));

        using var response = await _client.PostBundleAsync(bundle);

        var entries = (await response.BodyAsync()).Entries();
        Assert.StartsWith("428", entries[0].Status(), StringComparison.Ordinal);
        Assert.Equal("Bundle.entry[0].request.ifMatch", (string?)entries[0]["response"]!["outcome"]!["issue"]![0]!["expression"]![0]);
        Assert.StartsWith("200", entries[1].Status(), StringComparison.Ordinal);
        Assert.StartsWith("409", entries[2].Status(), StringComparison.Ordinal);
        Assert.Equal("requested", (string?)(await ReadAsync($"Task/{first.TaskId}"))["status"]);
        Assert.Equal("received", (string?)(await ReadAsync($"Task/{second.TaskId}"))["status"]);
    }

    [Fact]
    public async Task Worklist_OwnerAndStatusRequested_FindsTheOwnersNewReferralsOnly()
    {
        var waiting = new[] { (await ReferralAtAsync("requested")).TaskId, (await ReferralAtAsync("requested")).TaskId };
        await ReferralAtAsync("accepted");
        await ReferralAtAsync("draft");
        var elsewhere = await CreateAsync(ServiceRequest());
        await CreateAsync(ReferralTask("requested", elsewhere, owner: $"Organization/elsewhere-{_unique}"));

        var worklist = await ReadAsync($"Task?owner={Owner}&status=requested");

        Assert.Equal(waiting.Order(), worklist.Ids("match").Order());
    }

    [Fact]
    public async Task ReferrersList_RequesterWithIncludeFocus_FindsTheTasksAndTheirServiceRequests()
    {
        var first = await ReferralAtAsync("requested");
        var second = await ReferralAtAsync("completed");
        var othersRequest = await CreateAsync(ServiceRequest());
        await CreateAsync(ReferralTask("requested", othersRequest, requester: $"PractitionerRole/other-gp-{_unique}"));

        var list = await ReadAsync($"Task?requester={Requester}&_include=Task:focus");

        Assert.Equal(new[] { first.TaskId, second.TaskId }.Order(), list.Ids("match").Order());
        Assert.Equal(new[] { first.ServiceRequestId, second.ServiceRequestId }.Order(), list.Ids("include").Order());
        var completed = list.Entries().Single(e => (string?)e["resource"]!["id"] == second.ServiceRequestId);
        Assert.Equal("completed", (string?)completed["resource"]!["status"]);
    }

    [Fact]
    public async Task SelfHarmAlertTask_MovesThroughTheSameMachine()
    {
        var patient = (await _client.CreatePatientAsync("Alert-" + _unique)).Id();
        using var created = await _client.PostAsync("/fhir/QuestionnaireResponse", Fhir.Json(await SelfHarmResponseAsync(patient)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var alert = Assert.Single((await ReadAsync($"Task?focus=QuestionnaireResponse/{(await created.BodyAsync()).Id()}")).Entries())["resource"]!.AsObject();
        var id = alert.Id();

        using var skipped = await PutTaskAsync(Ended(alert, "completed"), "W/\"1\"");
        Assert.Equal(HttpStatusCode.Conflict, skipped.StatusCode);

        foreach (var step in new[] { "received", "accepted", "in-progress", "completed" })
        {
            var current = await ReadAsync($"Task/{id}");
            using var moved = await PutTaskAsync(Ended(current, step), $"W/\"{current.VersionId()}\"");
            Assert.True(moved.StatusCode == HttpStatusCode.OK, $"{step}: {await moved.Content.ReadAsStringAsync()}");
        }

        Assert.Equal("completed", (string?)(await ReadAsync($"Task/{id}"))["status"]);
    }

    private static IEnumerable<(string From, string To)> Allowed() =>
        Listed.Concat(Statuses.Where(s => s != "entered-in-error").Select(s => (s, "entered-in-error")))
            .Where(t => t.Item1 != "ready");

    /// <summary>A new referral (its ServiceRequest and Task) brought to <paramref name="status"/> by the allowed steps.</summary>
    private async Task<Referral> ReferralAtAsync(string status)
    {
        var request = await CreateAsync(ServiceRequest());
        var task = ReferralTask(status == "draft" ? "draft" : "requested", request);
        task["identifier"] = new JsonArray(new JsonObject { ["system"] = "https://referrals.example.org", ["value"] = _unique });
        using var created = await _client.PostAsync("/fhir/Task", Fhir.Json(task));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var current = await created.BodyAsync();
        foreach (var step in PathTo[status])
        {
            using var moved = await PutTaskAsync(Ended(current, step), $"W/\"{current.VersionId()}\"");
            Assert.True(moved.StatusCode == HttpStatusCode.OK, $"{step}: {await moved.Content.ReadAsStringAsync()}");
            current = await moved.BodyAsync();
        }

        return new Referral(current.Id(), request, current);
    }

    private JsonObject ServiceRequest() => ReferralResources.ServiceRequest(Patient, Requester, Owner);

    private JsonObject ReferralTask(string status, string serviceRequest, string? requester = null, string? owner = null) =>
        ReferralResources.Task(status, $"ServiceRequest/{serviceRequest}", Patient, requester ?? Requester, owner ?? Owner);

    /// <summary>A copy of <paramref name="task"/> in <paramref name="status"/>, and nothing else changed.</summary>
    private static JsonObject With(JsonObject task, string status)
    {
        var copy = (JsonObject)task.DeepClone();
        copy["status"] = status;
        return copy;
    }

    /// <summary>
    /// The Task without its claim of the referral profile, whose invariants (mhrt-1, mhrt-2) would
    /// refuse it first: the server's own rule holds for every Task, profiled or not.
    /// </summary>
    private static JsonObject Unprofiled(JsonObject task)
    {
        task["meta"]!.AsObject().Remove("profile");
        return task;
    }

    /// <summary>A copy in <paramref name="status"/> that also carries a status reason and an output, so that only the transition decides.</summary>
    private JsonObject Ended(JsonObject task, string status)
    {
        var copy = With(task, status);
        copy["statusReason"] = new JsonObject { ["text"] = "Step of test " + _unique };
        copy["output"] = Output($"Encounter/session-{_unique}");
        return copy;
    }

    private static JsonArray Output(string reference) => new(new JsonObject
    {
        ["type"] = new JsonObject { ["text"] = "First session" },
        ["valueReference"] = ReferralResources.Reference(reference),
    });

    /// <summary>A FHIRPath Patch (fhirpatch.html) replacing Task.status.</summary>
    private static JsonObject StatusPatch(string status) => new()
    {
        ["resourceType"] = "Parameters",
        ["parameter"] = new JsonArray(new JsonObject
        {
            ["name"] = "operation",
            ["part"] = new JsonArray(
                new JsonObject { ["name"] = "type", ["valueCode"] = "replace" },
                new JsonObject { ["name"] = "path", ["valueString"] = "Task.status" },
                new JsonObject { ["name"] = "value", ["valueCode"] = status }),
        }),
    };

    private Task<HttpResponseMessage> PutTaskAsync(JsonObject task, string? ifMatch) => PutTaskAsync(_client, task, ifMatch);

    private static Task<HttpResponseMessage> PutTaskAsync(HttpClient client, JsonObject task, string? ifMatch, string? url = null) =>
        client.PutAsync(url ?? $"/fhir/Task/{task.Id()}", task, ifMatch);

    private async Task<HttpResponseMessage> JsonPatchAsync(string id, string patch, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/fhir/Task/{id}")
        {
            Content = new StringContent(patch, Encoding.UTF8, "application/json-patch+json"),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await _client.SendAsync(request);
    }

    private async Task<string> CreateAsync(JsonObject resource)
    {
        using var response = await _client.PostAsync($"/fhir/{(string)resource["resourceType"]!}", Fhir.Json(resource));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.BodyAsync()).Id();
    }

    private async Task<JsonObject> ReadAsync(string relative)
    {
        using var response = await _client.GetAsync("/fhir/" + relative);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{relative}: {await response.Content.ReadAsStringAsync()}");
        return await response.BodyAsync();
    }

    /// <summary>A completed PHQ-9 response with "Several days" on item 9 (44260-8) and "Not at all" elsewhere: a positive self-harm screen.</summary>
    private async Task<JsonObject> SelfHarmResponseAsync(string patient)
    {
        var questionnaire = Assert.Single((await ReadAsync("Questionnaire?url=https://fhirmh.org/fhir/Questionnaire/phq-9")).Entries())["resource"]!;
        var items = new JsonArray();
        foreach (var item in questionnaire["item"]!.AsArray().Select(i => i!.AsObject()).Where(i => i["required"]?.GetValue<bool>() == true && i["readOnly"]?.GetValue<bool>() != true))
        {
            var linkId = (string)item["linkId"]!;
            var code = linkId == "44260-8" ? "LA6569-3" : "LA6568-5";
            items.Add(new JsonObject
            {
                ["linkId"] = linkId,
                ["answer"] = new JsonArray(new JsonObject { ["valueCoding"] = new JsonObject { ["system"] = "http://loinc.org", ["code"] = code } }),
            });
        }

        return new JsonObject
        {
            ["resourceType"] = "QuestionnaireResponse",
            ["questionnaire"] = $"https://fhirmh.org/fhir/Questionnaire/phq-9|{(string)questionnaire["version"]!}",
            ["status"] = "completed",
            ["subject"] = ReferralResources.Reference($"Patient/{patient}"),
            ["authored"] = "2026-03-02T10:00:00Z",
            ["item"] = items,
        };
    }

    /// <summary>A referral as a test holds it: the Task's id, its ServiceRequest's, and the Task as last written.</summary>
    private sealed record Referral(string TaskId, string ServiceRequestId, JsonObject Task)
    {
        public string ETag => $"W/\"{Task.VersionId()}\"";
    }
}

public sealed class SqliteReferralWorkflowTests(SqliteFixture fixture) : ReferralWorkflowTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresReferralWorkflowTests(PostgresFixture fixture) : ReferralWorkflowTests(fixture), IClassFixture<PostgresFixture>;
