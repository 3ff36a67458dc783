using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FhirMh.FhirServer.IntegrationTests.Subscriptions;

/// <summary>
/// Subscriptions end to end: a subscriber on loopback receives exactly one notification per
/// matching committed change, in order, from a topic (backport) or R4 criteria, with the payload
/// it asked for; a restart of the dispatcher between write and delivery loses nothing; a failing
/// subscriber is retried and then set to error; endpoints outside the allow-list and criteria the
/// server cannot check are refused when the Subscription is written.
/// </summary>
public abstract class SubscriptionTests<TFixture>(TFixture fixture)
    where TFixture : StorageFixture, ISubscriptionFixture
{
    private const string TopicBase = "https://fhirmh.org/fhir/SubscriptionTopic/";
    private const string ReferralTopic = TopicBase + "referral-task";
    private const string SafetyTopic = TopicBase + "safety-alert";
    private const string BackportBase = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/";

    private readonly HttpClient _client = fixture.CreateClient();
    private readonly NotificationListener _listener = fixture.Listener;
    private readonly string _owner = "Organization/" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task TopicSubscription_Handshakes_ThenOneNotificationPerMatchingChange_InOrder()
    {
        var endpoint = _listener.NewEndpoint();
        var id = await SubscribeAsync(Topic(ReferralTopic, endpoint, "id-only", $"Task?owner={_owner}"));
        await WaitForStatusAsync(id, "active");

        var first = await CreateTaskAsync(_owner);
        await CreateTaskAsync("Organization/someone-else");
        await CreateTaskAsync(_owner, code: null); // not a referral
        var second = await CreateTaskAsync(_owner);
        var updated = await UpdateTaskAsync(first, "Called the client");

        var received = await _listener.WaitForAsync(endpoint, 4);

        Assert.Equal(4, received.Count);
        Assert.Equal(NotificationTypes("handshake", "event-notification", "event-notification", "event-notification"), received.Select(r => r.Type).ToList());
        var events = received.Skip(1).ToList();
        Assert.Equal([1L, 2L, 3L], events.SelectMany(e => e.EventNumbers).ToList());
        Assert.Equal(
            [$"Task/{first}", $"Task/{second}", $"Task/{first}"],
            events.Select(e => RelativeUrl((string)Assert.Single(e.Focus)["fullUrl"]!)).ToList());
        Assert.All(events, e => Assert.Null(e.Focus[0]["resource"])); // id-only
        Assert.Equal("2", (string)events[2].Focus[0]["response"]!["etag"]!.GetValue<string>().Trim('W', '/', '"'));
        Assert.Equal(ReferralTopic, events[0].Parameter("topic"));
        Assert.Equal(2, updated);
    }

    [Fact]
    public async Task DeletedSubscription_HearsOfNoLaterChange_WhileAnotherStillDoes()
    {
        var gone = _listener.NewEndpoint();
        var kept = _listener.NewEndpoint();
        var goneId = await SubscribeAsync(Topic(ReferralTopic, gone, "id-only", $"Task?owner={_owner}"));
        var keptId = await SubscribeAsync(Topic(ReferralTopic, kept, "id-only", $"Task?owner={_owner}"));
        await WaitForStatusAsync(goneId, "active");
        await WaitForStatusAsync(keptId, "active");

        using (var deleted = await _client.DeleteAsync($"/fhir/Subscription/{goneId}"))
        {
            Assert.True(deleted.IsSuccessStatusCode);
        }

        await CreateTaskAsync(_owner);

        Assert.Equal(NotificationTypes("handshake", "event-notification"), (await _listener.WaitForAsync(kept, 2)).Select(r => r.Type).ToList());
        Assert.Equal(NotificationTypes("handshake"), _listener.At(gone).Select(r => r.Type).ToList());
    }

    [Fact]
    public async Task SubscriptionWrittenInATransactionBundle_IsServed()
    {
        var endpoint = _listener.NewEndpoint();
        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "transaction",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["resource"] = Topic(ReferralTopic, endpoint, "id-only", $"Task?owner={_owner}"),
                ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "Subscription" },
            }),
        };
        using var response = await _client.PostAsync("/fhir", Fhir.Json(bundle));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = (await response.BodyAsync())["entry"]!.AsArray()[0]!.AsObject().LocationId();
        await WaitForStatusAsync(id, "active");

        await CreateTaskAsync(_owner);

        Assert.Equal(NotificationTypes("handshake", "event-notification"), (await _listener.WaitForAsync(endpoint, 2)).Select(r => r.Type).ToList());
    }

    [Fact]
    public async Task CriteriaSubscription_WithPayload_CarriesTheResourceAsWritten()
    {
        var endpoint = _listener.NewEndpoint();
        var id = await SubscribeAsync(Criteria($"Task?owner={_owner}&status=requested", endpoint, payload: "application/fhir+json"));
        await WaitForStatusAsync(id, "active");

        var task = await CreateTaskAsync(_owner);
        await CreateTaskAsync(_owner, status: "draft");

        var received = await _listener.WaitForAsync(endpoint, 1);

        var notification = Assert.Single(received);
        var resource = Assert.Single(notification.Focus)["resource"]!;
        Assert.Equal(task, (string)resource["id"]!);
        Assert.Equal("1", (string)resource["meta"]!["versionId"]!);
        Assert.Equal("application/fhir+json; charset=utf-8", notification.Headers["Content-Type"]);
    }

    [Fact]
    public async Task CriteriaSubscription_WithoutPayload_PostsNoBody_WithItsHeaders()
    {
        var endpoint = _listener.NewEndpoint();
        var subscription = Criteria($"Task?owner={_owner}", endpoint, payload: null);
        subscription["channel"]!["header"] = new JsonArray("Authorization: Bearer secret-for-the-subscriber");
        var id = await SubscribeAsync(subscription);
        await WaitForStatusAsync(id, "active");

        await CreateTaskAsync(_owner);
        var received = await _listener.WaitForAsync(endpoint, 1);

        var notification = Assert.Single(received);
        Assert.Null(notification.Body);
        Assert.Equal("Bearer secret-for-the-subscriber", notification.Headers["Authorization"]);
    }

    [Fact]
    public async Task EndpointOutsideTheAllowList_IsRefused_AndNothingIsStored()
    {
        var endpoint = $"https://elsewhere.example.org/hook/{Guid.NewGuid():N}";
        var subscription = Criteria("Task?status=requested", endpoint, payload: "application/fhir+json");

        using var response = await _client.PostAsync("/fhir/Subscription", Fhir.Json(subscription));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("Subscription.channel.endpoint", (string)issue["expression"]![0]!);
        Assert.Contains("AllowedEndpoints", (string)issue["diagnostics"]!, StringComparison.Ordinal);
        Assert.Empty(await SearchAsync($"Subscription?url={Uri.EscapeDataString(endpoint)}"));
    }

    [Theory]
    [InlineData("Task?owner.name=Clinic", "Subscription.criteria")] // a chain needs other resources
    [InlineData("Task?_has:Provenance:target:agent=Practitioner/1", "Subscription.criteria")]
    [InlineData("Task?unknown-parameter=1", "Subscription.criteria")]
    [InlineData("Task?_sort=status", "Subscription.criteria")]
    [InlineData("NotAResource?status=requested", "Subscription.criteria")]
    [InlineData("https://fhirmh.org/fhir/SubscriptionTopic/no-such-topic", "Subscription.criteria")]
    public async Task CriteriaTheServerCannotCheck_AreRefused(string criteria, string expression)
    {
        using var response = await _client.PostAsync("/fhir/Subscription", Fhir.Json(Criteria(criteria, _listener.NewEndpoint(), payload: null)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(expression, (string)(await response.SingleIssueAsync())["expression"]![0]!);
    }

    [Fact]
    public async Task TopicFilterTheTopicDoesNotOffer_IsRefused()
    {
        using var response = await _client.PostAsync("/fhir/Subscription", Fhir.Json(Topic(ReferralTopic, _listener.NewEndpoint(), "id-only", "Task?priority=stat")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("Subscription.criteria.extension[0]", (string)issue["expression"]![0]!);
        Assert.Contains("requester, owner, status", (string)issue["diagnostics"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host: internal.example.org")]
    [InlineData("Content-Length: 0")]
    [InlineData("X-Trace: a\r\nHost: internal.example.org")]
    public async Task HeadersThatWouldSteerTheRequest_AreRefused(string header)
    {
        var subscription = Criteria("Task?status=requested", _listener.NewEndpoint(), payload: null);
        subscription["channel"]!["header"] = new JsonArray(header);

        using var response = await _client.PostAsync("/fhir/Subscription", Fhir.Json(subscription));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("Subscription.channel.header[0]", (string)(await response.SingleIssueAsync())["expression"]![0]!);
    }

    [Fact]
    public async Task ChannelOtherThanRestHook_IsRefused()
    {
        var subscription = Criteria("Task?status=requested", _listener.NewEndpoint(), payload: null);
        subscription["channel"]!["type"] = "websocket";

        using var response = await _client.PostAsync("/fhir/Subscription", Fhir.Json(subscription));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("Subscription.channel.type", (string)(await response.SingleIssueAsync())["expression"]![0]!);
    }

    [Fact]
    public async Task StatusIsTheServers_AClientAskingForActiveGetsRequestedUntilTheHandshake()
    {
        var subscription = Topic(ReferralTopic, _listener.NewEndpoint(), "empty", $"Task?owner={_owner}");
        subscription["status"] = "active";

        using var response = await _client.PostAsync("/fhir/Subscription", Fhir.Json(subscription));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.BodyAsync();
        Assert.Equal("requested", (string)created["status"]!);
        await WaitForStatusAsync(created.Id(), "active");
    }

    [Fact]
    public async Task FailingSubscriber_IsRetried_ThenSetToError_WhileWritesGoOn()
    {
        var endpoint = _listener.NewEndpoint(isFailing: true);
        var id = await SubscribeAsync(Criteria($"Task?owner={_owner}", endpoint, payload: "application/fhir+json"));
        await WaitForStatusAsync(id, "active");

        var task = await CreateTaskAsync(_owner);
        var received = await _listener.WaitForAsync(endpoint, 3);
        var subscription = await WaitForStatusAsync(id, "error");
        var later = await CreateTaskAsync(_owner);

        Assert.Equal(3, received.Count); // Subscriptions:MaxAttempts
        Assert.All(received, r => Assert.Equal($"Task/{task}", RelativeUrl((string)r.Focus[0]["fullUrl"]!)));
        // Delays on a busy machine only lengthen the gaps, so the doubling back-off is checked
        // as its floors: RetryDelay (200 ms) after the first failure, twice that after the second.
        var first = received[1].At - received[0].At;
        var second = received[2].At - received[1].At;
        Assert.True(first >= TimeSpan.FromMilliseconds(190), $"The first retry waits RetryDelay; it came after {first.TotalMilliseconds:0} ms.");
        Assert.True(second >= TimeSpan.FromMilliseconds(390), $"The second retry waits twice RetryDelay; it came after {second.TotalMilliseconds:0} ms.");
        Assert.Contains("500", (string)subscription["error"]!, StringComparison.Ordinal);
        Assert.NotEqual(task, later);
        Assert.Equal(3, (await _listener.WaitForAsync(endpoint, 4, TimeSpan.FromSeconds(1))).Count); // in error: nothing more
    }

    [Fact]
    public async Task TopicSubscription_WhoseHandshakeFails_IsSetToError()
    {
        var id = await SubscribeAsync(Topic(ReferralTopic, _listener.NewEndpoint(isFailing: true), "id-only", $"Task?owner={_owner}"));

        var subscription = await WaitForStatusAsync(id, "error");

        Assert.Contains("handshake", (string)subscription["error"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangeCommittedWhileTheDispatcherIsDown_IsDeliveredOnce_AfterItRestarts()
    {
        var (task, received) = await WriteWhileTheDispatcherIsDownAsync(async endpoint =>
            Assert.Single(await _listener.WaitForAsync(endpoint, 2, TimeSpan.FromSeconds(1))));

        Assert.Equal(2, received.Count);
        Assert.Equal([1L], received[1].EventNumbers);
        Assert.Equal(task, (string)received[1].Focus[0]["resource"]!["id"]!);
    }

    [Fact]
    public async Task ChangeRecordedWithoutItsMatches_IsMatchedByTheDispatcher()
    {
        var (task, received) = await WriteWhileTheDispatcherIsDownAsync(async _ =>
        {
            // As an outbox row written before the server matched changes as it wrote them: no subscriptions named.
            using var scope = fixture.Factory.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<FhirServer.Storage.FhirDbContext>();
            var unmatched = await db.Set<FhirServer.Subscriptions.SubscriptionEventRow>()
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.SubscriptionIds, (string?)null));
            Assert.True(unmatched >= 1);
        });

        Assert.Equal(2, received.Count);
        Assert.Equal(task, (string)received[1].Focus[0]["resource"]!["id"]!);
    }

    /// <summary>
    /// Subscribes to this test's referral Tasks (full-resource) and, once the handshake is in,
    /// creates one with the dispatcher stopped and runs <paramref name="whileDown"/>; then restarts
    /// it and returns the Task's id and all the subscriber received.
    /// </summary>
    private async Task<(string Task, IReadOnlyList<NotificationListener.Received> Received)> WriteWhileTheDispatcherIsDownAsync(Func<string, Task> whileDown)
    {
        var endpoint = _listener.NewEndpoint();
        var id = await SubscribeAsync(Topic(ReferralTopic, endpoint, "full-resource", $"Task?owner={_owner}"));
        await WaitForStatusAsync(id, "active");
        await _listener.WaitForAsync(endpoint, 1); // the handshake

        await fixture.StopDispatcherAsync();
        string task;
        try
        {
            task = await CreateTaskAsync(_owner);
            await whileDown(endpoint);
        }
        finally
        {
            fixture.StartDispatcher();
        }

        return (task, await _listener.WaitForAsync(endpoint, 2, settle: TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task StatusAndEvents_ReportTheCountAndReplayRetainedEvents()
    {
        var endpoint = _listener.NewEndpoint();
        var id = await SubscribeAsync(Topic(ReferralTopic, endpoint, "id-only", $"Task?owner={_owner}"));
        await WaitForStatusAsync(id, "active");
        await CreateTaskAsync(_owner);
        var second = await CreateTaskAsync(_owner);
        await _listener.WaitForAsync(endpoint, 3);

        var status = await GetAsync($"Subscription/{id}/$status");
        var events = await GetAsync($"Subscription/{id}/$events?eventsSinceNumber=2&content=full-resource");

        Assert.Equal("searchset", (string)status["type"]!);
        var parameters = status["entry"]![0]!["resource"]!["parameter"]!.AsArray();
        Assert.Equal("active", Value(parameters, "status"));
        Assert.Equal("query-status", Value(parameters, "type"));
        Assert.Equal("2", Value(parameters, "events-since-subscription-start"));
        var replay = events["entry"]!.AsArray();
        Assert.Equal("query-event", Value(replay[0]!["resource"]!["parameter"]!.AsArray(), "type"));
        Assert.Equal(second, (string)Assert.Single(replay.Skip(1))!["resource"]!["id"]!);
    }

    [Fact]
    public async Task SafetyAlertTopic_FilteredByTheClientsOrganization_DeliversTheFlagAndTheTask()
    {
        var clinic = _owner;
        var patient = await CreateAsync(new JsonObject
        {
            ["resourceType"] = "Patient",
            ["name"] = new JsonArray(new JsonObject { ["family"] = "Alerted" }),
            ["managingOrganization"] = new JsonObject { ["reference"] = clinic },
        });
        var otherPatient = (await _client.CreatePatientAsync("Elsewhere")).Id();
        var endpoint = _listener.NewEndpoint();
        var id = await SubscribeAsync(Topic(SafetyTopic, endpoint, "id-only", $"organization={clinic}"));
        await WaitForStatusAsync(id, "active");

        await CreateAsync(await QuestionnaireAnswers.ResponseAsync(_client, QuestionnaireAnswers.Phq9, otherPatient, SelfHarm));
        await CreateAsync(await QuestionnaireAnswers.ResponseAsync(_client, QuestionnaireAnswers.Phq9, patient, SelfHarm));
        var received = await _listener.WaitForAsync(endpoint, 3);

        Assert.Equal(3, received.Count);
        var focus = received.Skip(1).Select(r => RelativeUrl((string)Assert.Single(r.Focus)["fullUrl"]!)).ToList();
        Assert.Equal(["Flag", "Task"], focus.Select(f => f.Split('/')[0]).Order().ToList());
        var task = await GetAsync(focus.Single(f => f.StartsWith("Task/", StringComparison.Ordinal)));
        Assert.Equal($"Patient/{patient}", (string)task["for"]!["reference"]!);
    }

    [Fact]
    public async Task Heartbeat_IsSentWhenTheSubscriptionHasBeenSilentForItsPeriod()
    {
        var endpoint = _listener.NewEndpoint();
        var subscription = Topic(ReferralTopic, endpoint, "empty", $"Task?owner={_owner}");
        subscription["channel"]!["extension"] = new JsonArray(new JsonObject { ["url"] = BackportBase + "backport-heartbeat-period", ["valueUnsignedInt"] = 1 });
        var id = await SubscribeAsync(subscription);
        await WaitForStatusAsync(id, "active");

        var received = await _listener.WaitForAsync(endpoint, 3);

        Assert.Equal("handshake", received[0].Type);
        Assert.Equal("heartbeat", received[1].Type);
        Assert.Equal("heartbeat", received[2].Type);
    }

    [Fact]
    public async Task CapabilityStatement_NamesTheTopics()
    {
        var metadata = await GetAsync("metadata");

        var subscription = metadata["rest"]![0]!["resource"]!.AsArray().Single(r => (string?)r!["type"] == "Subscription")!;
        var topics = subscription["extension"]!.AsArray().Select(e => (string)e!["valueCanonical"]!).ToList();
        Assert.Equal([ReferralTopic, SafetyTopic], topics);
    }

    private static string SelfHarm(string linkId) =>
        linkId == QuestionnaireAnswers.SelfHarmItem ? QuestionnaireAnswers.SeveralDays : QuestionnaireAnswers.NotAtAll;

    private static List<string> NotificationTypes(params string[] types) => [.. types];

    private static string RelativeUrl(string fullUrl) => string.Join('/', fullUrl.Split('/')[^2..]);

    private static string? Value(JsonArray parameters, string name) =>
        parameters.First(p => (string?)p!["name"] == name) is { } p ? (string?)(p["valueCode"] ?? p["valueString"]) : null;

    private static JsonObject Topic(string topic, string endpoint, string content, string? filter) => new()
    {
        ["resourceType"] = "Subscription",
        ["status"] = "requested",
        ["reason"] = "Tests",
        ["criteria"] = topic,
        ["_criteria"] = filter is null ? null : new JsonObject
        {
            ["extension"] = new JsonArray(new JsonObject { ["url"] = BackportBase + "backport-filter-criteria", ["valueString"] = filter }),
        },
        ["channel"] = new JsonObject
        {
            ["type"] = "rest-hook",
            ["endpoint"] = endpoint,
            ["payload"] = "application/fhir+json",
            ["_payload"] = new JsonObject
            {
                ["extension"] = new JsonArray(new JsonObject { ["url"] = BackportBase + "backport-payload-content", ["valueCode"] = content }),
            },
        },
    };

    private static JsonObject Criteria(string criteria, string endpoint, string? payload)
    {
        var channel = new JsonObject { ["type"] = "rest-hook", ["endpoint"] = endpoint };
        if (payload is not null)
        {
            channel["payload"] = payload;
        }

        return new JsonObject
        {
            ["resourceType"] = "Subscription",
            ["status"] = "requested",
            ["reason"] = "Tests",
            ["criteria"] = criteria,
            ["channel"] = channel,
        };
    }

    private async Task<string> SubscribeAsync(JsonObject subscription)
    {
        using var response = await _client.PostAsync("/fhir/Subscription", Fhir.Json(subscription));
        var body = await response.BodyAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        return body.Id();
    }

    private async Task<JsonObject> WaitForStatusAsync(string id, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        JsonObject subscription;
        do
        {
            subscription = await GetAsync($"Subscription/{id}");
            if ((string?)subscription["status"] == status)
            {
                return subscription;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"Subscription/{id} is {(string?)subscription["status"]}, not {status}: {subscription["error"]}");
        return subscription;
    }

    private Task<string> CreateTaskAsync(string owner, string? code = "fulfill", string status = "requested")
    {
        var task = new JsonObject
        {
            ["resourceType"] = "Task",
            ["status"] = status,
            ["intent"] = "order",
            ["owner"] = new JsonObject { ["reference"] = owner },
        };
        if (code is not null)
        {
            task["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://hl7.org/fhir/CodeSystem/task-code", ["code"] = code }) };
        }

        return CreateAsync(task);
    }

    private async Task<int> UpdateTaskAsync(string id, string note)
    {
        var task = await GetAsync($"Task/{id}");
        task["note"] = new JsonArray(new JsonObject { ["text"] = note });
        using var response = await _client.PutAsync($"/fhir/Task/{id}", task, ifMatch: $"W/\"{task.VersionId()}\"");
        var body = await response.BodyAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return int.Parse(body.VersionId(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<string> CreateAsync(JsonObject resource)
    {
        using var response = await _client.PostAsync($"/fhir/{(string)resource["resourceType"]!}", Fhir.Json(resource));
        var body = await response.BodyAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        return body.Id();
    }

    private async Task<JsonObject> GetAsync(string relative)
    {
        using var response = await _client.GetAsync("/fhir/" + relative);
        var body = await response.BodyAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{relative}: {body.ToJsonString()}");
        return body;
    }

    private async Task<List<JsonObject>> SearchAsync(string search) =>
        ((await GetAsync(search))["entry"]?.AsArray() ?? []).Select(e => e!["resource"]!.AsObject()).ToList();
}

public sealed class SqliteSubscriptionTests(SubscriptionSqliteFixture fixture) : SubscriptionTests<SubscriptionSqliteFixture>(fixture), IClassFixture<SubscriptionSqliteFixture>;

public sealed class PostgresSubscriptionTests(SubscriptionPostgresFixture fixture) : SubscriptionTests<SubscriptionPostgresFixture>(fixture), IClassFixture<SubscriptionPostgresFixture>;
