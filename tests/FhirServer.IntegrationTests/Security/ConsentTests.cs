using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FhirMh.FhirServer.IntegrationTests.Security;

/// <summary>
/// Consent enforced on every read path: provisions by actor (practitioner, role, organization,
/// care team, client application), purpose, security label, class, data reference and data period;
/// nested exceptions; decided in the query so that pages and counts hold only what may be seen;
/// no oracle through chains, <c>_has</c> or includes; break-the-glass granted, labelled and ending.
/// Each test makes its own patients, practitioners and data under a tag.
/// </summary>
public abstract class ConsentTests(StorageFixture fixture)
{
    private const string Psy = "http://terminology.hl7.org/CodeSystem/v3-ActCode|PSY";

    /// <summary>Made fresh for each use: a long run outlives a token.</summary>
    private static string Admin => TestTokens.Access("system/*.cruds");

    private readonly HttpClient _client = fixture.CreateClient();
    private readonly string _unique = Guid.NewGuid().ToString("N")[..10];

    private string Tag => $"_tag=http://example.org/test-run|{_unique}";

    [Fact]
    public async Task NoConsent_DefaultPermit_PractitionerSeesTheData()
    {
        var (a, _) = await PatientsAsync();
        var observation = await ObservationAsync(a);
        var dr = await CreateAsync(Practitioner());

        Assert.Equal([observation], await MatchesAsync($"Observation?{Tag}", Doctor(dr)));
    }

    [Fact]
    public async Task DenyAll_HidesEverythingOfThePatient_ButNotFromThePatient()
    {
        var (a, b) = await PatientsAsync();
        var own = await ObservationAsync(a);
        var others = await ObservationAsync(b);
        var dr = await CreateAsync(Practitioner());
        await CreateAsync(Consent(a, Provision("deny")));
        var doctor = Doctor(dr);

        Assert.Equal([others], await MatchesAsync($"Observation?{Tag}", doctor));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync($"Observation/{own}", doctor));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync($"Patient/{a}", doctor));
        Assert.Equal([own], await MatchesAsync($"Observation?{Tag}", TestTokens.Access("patient/*.rs", patient: a)));
    }

    [Fact]
    public async Task DenyWithPermitForOnePractitioner_OnlyThatPractitionerSees()
    {
        var (a, _) = await PatientsAsync();
        var observation = await ObservationAsync(a);
        var drX = await CreateAsync(Practitioner());
        var drY = await CreateAsync(Practitioner());
        await CreateAsync(Consent(a, Provision("deny", nested: [Provision("permit", actors: [$"Practitioner/{drX}"])])));

        Assert.Equal([observation], await MatchesAsync($"Observation?{Tag}", Doctor(drX)));
        Assert.Empty(await MatchesAsync($"Observation?{Tag}", Doctor(drY)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync($"Observation/{observation}", Doctor(drX)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync($"Patient/{a}", Doctor(drX)));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync($"Observation/{observation}", Doctor(drY)));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync($"Patient/{a}", Doctor(drY)));
    }

    [Fact]
    public async Task PermitForAnOrganization_ReachesItsPractitionersThroughTheirRoles()
    {
        var (a, _) = await PatientsAsync();
        var observation = await ObservationAsync(a);
        var clinic = await CreateAsync(new JsonObject { ["resourceType"] = "Organization", ["meta"] = Meta(), ["name"] = "Clinic " + _unique });
        var member = await CreateAsync(Practitioner());
        var outsider = await CreateAsync(Practitioner());
        await CreateAsync(new JsonObject
        {
            ["resourceType"] = "PractitionerRole",
            ["meta"] = Meta(),
            ["practitioner"] = new JsonObject { ["reference"] = $"Practitioner/{member}" },
            ["organization"] = new JsonObject { ["reference"] = $"Organization/{clinic}" },
        });
        await CreateAsync(Consent(a, Provision("deny", nested: [Provision("permit", actors: [$"Organization/{clinic}"])])));

        Assert.Equal([observation], await MatchesAsync($"Observation?{Tag}", Doctor(member)));
        Assert.Empty(await MatchesAsync($"Observation?{Tag}", Doctor(outsider)));
    }

    [Fact]
    public async Task PermitForAnOrganization_RoleNoLongerActive_DoesNotReach()
    {
        var (a, _) = await PatientsAsync();
        await ObservationAsync(a);
        var clinic = await CreateAsync(new JsonObject { ["resourceType"] = "Organization", ["meta"] = Meta(), ["name"] = "Clinic " + _unique });
        var former = await CreateAsync(Practitioner());
        await CreateAsync(new JsonObject
        {
            ["resourceType"] = "PractitionerRole",
            ["meta"] = Meta(),
            ["active"] = false,
            ["practitioner"] = new JsonObject { ["reference"] = $"Practitioner/{former}" },
            ["organization"] = new JsonObject { ["reference"] = $"Organization/{clinic}" },
        });
        await CreateAsync(Consent(a, Provision("deny", nested: [Provision("permit", actors: [$"Organization/{clinic}"])])));

        Assert.Empty(await MatchesAsync($"Observation?{Tag}", Doctor(former)));
    }

    [Fact]
    public async Task PermitForAHealthcareService_ReachesThePractitionersOfItsRoles()
    {
        var (a, _) = await PatientsAsync();
        var observation = await ObservationAsync(a);
        var service = await CreateAsync(new JsonObject { ["resourceType"] = "HealthcareService", ["meta"] = Meta(), ["name"] = "Talking therapies " + _unique });
        var member = await CreateAsync(Practitioner());
        await CreateAsync(new JsonObject
        {
            ["resourceType"] = "PractitionerRole",
            ["meta"] = Meta(),
            ["practitioner"] = new JsonObject { ["reference"] = $"Practitioner/{member}" },
            ["healthcareService"] = new JsonArray(new JsonObject { ["reference"] = $"HealthcareService/{service}" }),
        });
        await CreateAsync(Consent(a, Provision("deny", nested: [Provision("permit", actors: [$"HealthcareService/{service}"])])));

        Assert.Equal([observation], await MatchesAsync($"Observation?{Tag}", Doctor(member)));
    }

    [Fact]
    public async Task PermitForACareTeam_ReachesItsParticipants()
    {
        var (a, _) = await PatientsAsync();
        var observation = await ObservationAsync(a);
        var member = await CreateAsync(Practitioner());
        var team = await CreateAsync(new JsonObject
        {
            ["resourceType"] = "CareTeam",
            ["meta"] = Meta(),
            ["participant"] = new JsonArray(new JsonObject { ["member"] = new JsonObject { ["reference"] = $"Practitioner/{member}" } }),
        });
        await CreateAsync(Consent(a, Provision("deny", nested: [Provision("permit", actors: [$"CareTeam/{team}"])])));

        Assert.Equal([observation], await MatchesAsync($"Observation?{Tag}", Doctor(member)));
        Assert.Empty(await MatchesAsync($"Observation?{Tag}", Doctor(await CreateAsync(Practitioner()))));
    }

    [Fact]
    public async Task PermitForAClientApplication_ReachesThatApplicationOnly()
    {
        var (a, _) = await PatientsAsync();
        var observation = await ObservationAsync(a);
        await CreateAsync(Consent(a, Provision("deny", nested: [Provision("permit", clients: ["app-" + _unique])])));

        Assert.Equal([observation], await MatchesAsync($"Observation?{Tag}", TestTokens.Access("system/*.rs", clientId: "app-" + _unique)));
        Assert.Empty(await MatchesAsync($"Observation?{Tag}", TestTokens.Access("system/*.rs", clientId: "other-" + _unique)));
    }

    [Fact]
    public async Task PermitForAPurpose_DependsOnThePurposeOfTheRequest()
    {
        var (a, _) = await PatientsAsync();
        var observation = await ObservationAsync(a);
        await CreateAsync(Consent(a, Provision("deny", nested: [Provision("permit", purposes: ["TREAT"])])));
        var token = TestTokens.Access("user/*.rs", purposes: ["TREAT", "HOPERAT"]);

        Assert.Equal([observation], await MatchesAsync($"Observation?{Tag}", token, purpose: "TREAT"));
        Assert.Empty(await MatchesAsync($"Observation?{Tag}", token, purpose: "HOPERAT"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync($"Observation?{Tag}", token, purpose: "HPAYMT"));
    }

    [Fact]
    public async Task DenyForALabel_WithAPermitInsideForOnePractitioner()
    {
        var (a, _) = await PatientsAsync();
        var plain = await ObservationAsync(a);
        var sensitive = await ObservationAsync(a, label: Psy);
        var psychiatrist = await CreateAsync(Practitioner());
        var other = await CreateAsync(Practitioner());
        await CreateAsync(Consent(a, Provision("permit", nested:
            [Provision("deny", labels: [Psy], nested: [Provision("permit", actors: [$"Practitioner/{psychiatrist}"])])])));

        Assert.Equal([plain], await MatchesAsync($"Observation?{Tag}", Doctor(other)));
        Assert.Equal(new[] { plain, sensitive }.Order(), (await MatchesAsync($"Observation?{Tag}", Doctor(psychiatrist))).Order());
    }

    [Fact]
    public async Task DenyForAClassADataReferenceAndADataPeriod()
    {
        var (a, _) = await PatientsAsync();
        var kept = await ObservationAsync(a, effective: "2024-05-01");
        var named = await ObservationAsync(a, effective: "2024-06-01");
        var old = await ObservationAsync(a, effective: "2020-03-01");
        var condition = await CreateAsync(new JsonObject
        {
            ["resourceType"] = "Condition",
            ["meta"] = Meta(),
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{a}" },
        });
        await CreateAsync(Consent(a, Provision("permit", nested:
        [
            Provision("deny", classes: ["Condition"]),
            Provision("deny", data: [$"Observation/{named}"]),
            Provision("deny", dataPeriod: ("2020-01-01", "2020-12-31")),
        ])));
        var doctor = Doctor(await CreateAsync(Practitioner()));

        Assert.Equal([kept], await MatchesAsync($"Observation?{Tag}", doctor));
        Assert.Empty(await MatchesAsync($"Condition?{Tag}", doctor));
        Assert.Equal([condition], await MatchesAsync($"Condition?{Tag}", TestTokens.Access("patient/*.rs", patient: a)));
        Assert.Equal(new[] { kept, named, old }.Order(), (await MatchesAsync($"Observation?{Tag}", TestTokens.Access("patient/*.rs", patient: a))).Order());
    }

    [Fact]
    public async Task HiddenRows_LeavePagesFullAndTotalsExact()
    {
        var (a, b) = await PatientsAsync();
        var visible = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            visible.Add(await ObservationAsync(a));
            await ObservationAsync(b);
        }

        await CreateAsync(Consent(b, Provision("deny")));
        var doctor = Doctor(await CreateAsync(Practitioner()));

        var first = await GetAsync($"Observation?{Tag}&_count=2&_total=accurate", doctor);
        var next = (string)first["link"]!.AsArray().Single(l => (string?)l!["relation"] == "next")!["url"]!;
        var second = await GetAsync(next[(next.IndexOf("/fhir/", StringComparison.Ordinal) + 6)..], doctor);

        Assert.Equal(3, (int)first["total"]!);
        Assert.Equal(2, first.Ids("match").Count);
        Assert.Single(second.Ids("match"));
        Assert.Equal(visible.Order(), first.Ids("match").Concat(second.Ids("match")).Order());
    }

    /// <summary>
    /// One criterion's rows walked past a first window (32 candidates) that hides most of them:
    /// the walk goes on to the budget (40 here), then the planner finds the rest; a page as large
    /// as the budget leaves the rest to the planner at once. No visible row is missed or repeated.
    /// </summary>
    [Theory]
    [InlineData(10)]
    [InlineData(25)]
    public async Task HiddenRowsAmongMany_ThePagesHoldEveryVisibleRowOnce_InOrder(int count)
    {
        var (a, b) = await PatientsAsync();
        var visible = new List<string>();
        foreach (var (patient, times) in new[] { (a, 5), (b, 40), (a, 5), (b, 20), (a, 3) })
        {
            for (var i = 0; i < times; i++)
            {
                var id = await ObservationAsync(patient);
                if (patient == a)
                {
                    visible.Add(id);
                }
            }
        }

        await CreateAsync(Consent(b, Provision("deny")));
        var doctor = Doctor(await CreateAsync(Practitioner()));

        var found = new List<string>();
        string? relative = $"Observation?{Tag}&_count={count}";
        while (relative is not null)
        {
            var page = await GetAsync(relative, doctor);
            Assert.True(page.Ids("match").Count <= count);
            found.AddRange(page.Ids("match"));
            relative = page["link"]!.AsArray().SingleOrDefault(l => (string?)l!["relation"] == "next") is { } next
                ? ((string)next["url"]!)[(((string)next["url"]!).IndexOf("/fhir/", StringComparison.Ordinal) + 6)..]
                : null;
        }

        Assert.Equal(visible, found);
    }

    [Fact]
    public async Task HasChainAndRevInclude_OnDeniedData_AreNoOracle()
    {
        var (_, b) = await PatientsAsync();
        var performer = await CreateAsync(Practitioner());
        await ObservationAsync(b, code: "secret-" + _unique, performer: performer);
        await CreateAsync(Consent(b, Provision("deny")));
        var doctor = Doctor(await CreateAsync(Practitioner()));
        var has = $"Practitioner?{Tag}&_has:Observation:performer:code=http://loinc.org|secret-{_unique}";
        var revInclude = $"Practitioner?{Tag}&_id={performer}&_revinclude=Observation:performer";

        Assert.Empty(await MatchesAsync(has, doctor));
        Assert.Equal([performer], await MatchesAsync(has, Truth(), purpose: "BTG"));
        Assert.Empty((await GetAsync(revInclude, doctor)).Ids("include"));
        Assert.Single((await GetAsync(revInclude, Truth(), purpose: "BTG")).Ids("include"));
        Assert.Empty(await MatchesAsync($"Observation?{Tag}&subject:Patient.family=B-{_unique}", doctor));
    }

    [Fact]
    public async Task BatchEntries_FollowTheConsentLikeSingleRequests()
    {
        var (a, b) = await PatientsAsync();
        var visible = await ObservationAsync(a);
        var hidden = await ObservationAsync(b);
        await CreateAsync(Consent(b, Provision("deny")));
        var batch = $$$"""
            {"resourceType":"Bundle","type":"batch","entry":[
              {"request":{"method":"GET","url":"Observation/{{{visible}}}"}},
              {"request":{"method":"GET","url":"Observation/{{{hidden}}}"}},
              {"request":{"method":"GET","url":"Observation?{{{Tag}}}"}}]}
            """;

        using var response = await _client.SendAsync(HttpMethod.Post, "/fhir", Doctor(await CreateAsync(Practitioner())), batch);
        var entries = (await response.BodyAsync())["entry"]!.AsArray();

        Assert.StartsWith("200", (string?)entries[0]!["response"]!["status"], StringComparison.Ordinal);
        Assert.StartsWith("404", (string?)entries[1]!["response"]!["status"], StringComparison.Ordinal);
        Assert.Equal([visible], entries[2]!["resource"]!.AsObject().Ids("match"));
    }

    [Fact]
    public async Task HistoryAndEverything_LeaveDeniedDataOut()
    {
        var (a, b) = await PatientsAsync();
        var visible = await ObservationAsync(a);
        var hidden = await ObservationAsync(b);
        await CreateAsync(Consent(b, Provision("deny")));
        var doctor = Doctor(await CreateAsync(Practitioner()));

        var history = await GetAsync("Observation/_history?_count=1000", doctor);
        var ids = history["entry"]!.AsArray().Select(e => (string?)e!["resource"]?["id"]).ToList();
        Assert.Contains(visible, ids);
        Assert.DoesNotContain(hidden, ids);
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync($"Observation/{hidden}/_history", doctor));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync($"Patient/{b}/$everything", doctor));
        Assert.Contains(visible, (await GetAsync($"Patient/{a}/$everything", doctor)).Ids("match"));
    }

    [Fact]
    public async Task ConsentChanges_ApplyAtOnce()
    {
        var (a, _) = await PatientsAsync();
        var observation = await ObservationAsync(a);
        var doctor = Doctor(await CreateAsync(Practitioner()));
        var consent = await CreateAsync(Consent(a, Provision("deny")));
        Assert.Empty(await MatchesAsync($"Observation?{Tag}", doctor));

        var revoked = Consent(a, Provision("deny"));
        revoked["id"] = consent;
        revoked["status"] = "inactive";
        using (var update = await _client.SendAsync(HttpMethod.Put, $"/fhir/Consent/{consent}", Admin, revoked.ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        }

        Assert.Equal([observation], await MatchesAsync($"Observation?{Tag}", doctor));
        await CreateAsync(Consent(a, Provision("deny")));
        Assert.Empty(await MatchesAsync($"Observation?{Tag}", doctor));
    }

    [Fact]
    public async Task BreakTheGlass_GrantsLabelsAndEnds()
    {
        var (a, _) = await PatientsAsync();
        var observation = await ObservationAsync(a);
        await CreateAsync(Consent(a, Provision("deny")));
        var token = TestTokens.Access("user/*.rs", purposes: ["TREAT", "BTG"]);

        Assert.Empty(await MatchesAsync($"Observation?{Tag}", token));
        using (var response = await _client.SendAsync(HttpMethod.Get, $"/fhir/Observation?{Tag}", token, purpose: "BTG"))
        {
            var bundle = await response.BodyAsync();
            Assert.Equal([observation], bundle.Ids("match"));
            Assert.StartsWith("BTG", response.Headers.GetValues("X-Break-The-Glass").Single(), StringComparison.Ordinal);
            Assert.Equal("BTG", (string?)bundle["meta"]!["security"]![0]!["code"]);
        }

        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync($"Observation?{Tag}", TestTokens.Access("user/*.rs", purposes: ["TREAT"]), purpose: "BTG"));

        // The fixture's window is three seconds from the token's first BTG request.
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync($"Observation?{Tag}", token, purpose: "BTG"));
    }

    [Fact]
    public async Task StoredConsents_WithoutTheirIndex_AreIndexedAtStartUp()
    {
        var (a, _) = await PatientsAsync();
        await ObservationAsync(a);
        await CreateAsync(Consent(a, Provision("deny")));
        var doctor = Doctor(await CreateAsync(Practitioner()));
        using (var scope = fixture.Factory.Services.CreateScope())
        {
            // As a database from before the consent index: the Consents are there, their index is not.
            var db = scope.ServiceProvider.GetRequiredService<FhirMh.FhirServer.Storage.FhirDbContext>();
            await db.Set<FhirMh.FhirServer.Security.ConsentValueRow>().ExecuteDeleteAsync();
            await db.Set<FhirMh.FhirServer.Security.ConsentConditionRow>().ExecuteDeleteAsync();
            await db.Set<FhirMh.FhirServer.Security.ConsentProvisionRow>().ExecuteDeleteAsync();
        }

        Assert.Single(await MatchesAsync($"Observation?{Tag}", doctor));

        await using var restarted = fixture.StartServer(TestTokens.Settings(ConsentSettings.Permit));
        using var client = restarted.CreateClient();
        using var response = await client.SendAsync(HttpMethod.Get, $"/fhir/Observation?{Tag}", doctor);

        Assert.Empty((await response.BodyAsync()).Ids("match"));
    }

    private static string Doctor(string practitioner) => TestTokens.Access("user/*.rs", fhirUser: $"Practitioner/{practitioner}", purposes: ["TREAT"]);

    /// <summary>A token that sees everything when it asserts break-the-glass: what is stored, to compare with.</summary>
    private static string Truth() => TestTokens.Access("system/*.rs", purposes: ["BTG"]);

    private async Task<(string A, string B)> PatientsAsync()
    {
        var a = await CreateAsync(new JsonObject { ["resourceType"] = "Patient", ["meta"] = Meta(), ["name"] = new JsonArray(new JsonObject { ["family"] = $"A-{_unique}" }) });
        var b = await CreateAsync(new JsonObject { ["resourceType"] = "Patient", ["meta"] = Meta(), ["name"] = new JsonArray(new JsonObject { ["family"] = $"B-{_unique}" }) });
        return (a, b);
    }

    private JsonObject Practitioner() => new() { ["resourceType"] = "Practitioner", ["meta"] = Meta(), ["name"] = new JsonArray(new JsonObject { ["family"] = "Dr-" + _unique }) };

    private Task<string> ObservationAsync(string patient, string? label = null, string effective = "2024-01-01", string code = "8867-4", string? performer = null)
    {
        var meta = Meta();
        if (label is not null)
        {
            meta["security"] = new JsonArray(new JsonObject { ["system"] = label.Split('|')[0], ["code"] = label.Split('|')[1] });
        }

        var observation = new JsonObject
        {
            ["resourceType"] = "Observation",
            ["meta"] = meta,
            ["status"] = "final",
            ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = code }) },
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
            ["effectiveDateTime"] = effective,
        };
        if (performer is not null)
        {
            observation["performer"] = new JsonArray(new JsonObject { ["reference"] = $"Practitioner/{performer}" });
        }

        return CreateAsync(observation);
    }

    private JsonObject Consent(string patient, JsonObject provision) => new()
    {
        ["resourceType"] = "Consent",
        ["meta"] = Meta(),
        ["status"] = "active",
        ["scope"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/consentscope", ["code"] = "patient-privacy" }) },
        ["category"] = new JsonArray(new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = "59284-0" }) }),
        ["patient"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
        ["dateTime"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture),
        ["policyRule"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ActCode", ["code"] = "OPTIN" }) },
        ["provision"] = provision,
    };

    private static JsonObject Provision(
        string type,
        string[]? actors = null,
        string[]? clients = null,
        string[]? purposes = null,
        string[]? labels = null,
        string[]? classes = null,
        string[]? data = null,
        (string Start, string End)? dataPeriod = null,
        JsonObject[]? nested = null)
    {
        var provision = new JsonObject { ["type"] = type };
        var actorList = (actors ?? []).Select(a => (JsonNode?)new JsonObject { ["role"] = Role(), ["reference"] = new JsonObject { ["reference"] = a } })
            .Concat((clients ?? []).Select(c => (JsonNode?)new JsonObject
            {
                ["role"] = Role(),
                ["reference"] = new JsonObject { ["identifier"] = new JsonObject { ["system"] = "urn:ietf:params:oauth:client-id", ["value"] = c } },
            }))
            .ToArray();
        if (actorList.Length > 0)
        {
            provision["actor"] = new JsonArray(actorList);
        }

        if (purposes is not null)
        {
            provision["purpose"] = new JsonArray(purposes.Select(p => (JsonNode?)new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ActReason", ["code"] = p }).ToArray());
        }

        if (labels is not null)
        {
            provision["securityLabel"] = new JsonArray(labels.Select(l => (JsonNode?)new JsonObject { ["system"] = l.Split('|')[0], ["code"] = l.Split('|')[1] }).ToArray());
        }

        if (classes is not null)
        {
            provision["class"] = new JsonArray(classes.Select(c => (JsonNode?)new JsonObject { ["system"] = "http://hl7.org/fhir/resource-types", ["code"] = c }).ToArray());
        }

        if (data is not null)
        {
            provision["data"] = new JsonArray(data.Select(d => (JsonNode?)new JsonObject { ["meaning"] = "instance", ["reference"] = new JsonObject { ["reference"] = d } }).ToArray());
        }

        if (dataPeriod is { } period)
        {
            provision["dataPeriod"] = new JsonObject { ["start"] = period.Start, ["end"] = period.End };
        }

        if (nested is not null)
        {
            provision["provision"] = new JsonArray(nested.Select(n => (JsonNode?)n).ToArray());
        }

        return provision;
    }

    private static JsonObject Role() => new() { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", ["code"] = "IRCP" }) };

    private JsonObject Meta() => new() { ["tag"] = new JsonArray(new JsonObject { ["system"] = "http://example.org/test-run", ["code"] = _unique }) };

    private async Task<string> CreateAsync(JsonObject resource)
    {
        using var response = await _client.SendAsync(HttpMethod.Post, $"/fhir/{resource["resourceType"]}", Admin, resource.ToJsonString());
        var body = await response.BodyAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        return body.Id();
    }

    private async Task<HttpStatusCode> StatusAsync(string relative, string token, string? purpose = null)
    {
        using var response = await _client.SendAsync(HttpMethod.Get, "/fhir/" + relative, token, purpose: purpose);
        return response.StatusCode;
    }

    private async Task<JsonObject> GetAsync(string relative, string token, string? purpose = null)
    {
        using var response = await _client.SendAsync(HttpMethod.Get, "/fhir/" + relative, token, purpose: purpose);
        var body = await response.BodyAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{relative}: {body.ToJsonString()}");
        return body;
    }

    private async Task<List<string>> MatchesAsync(string relative, string token, string? purpose = null) =>
        (await GetAsync(relative, token, purpose)).Ids("match");
}

public sealed class SqliteConsentTests(ConsentSqliteFixture fixture) : ConsentTests(fixture), IClassFixture<ConsentSqliteFixture>;

public sealed class PostgresConsentTests(ConsentPostgresFixture fixture) : ConsentTests(fixture), IClassFixture<ConsentPostgresFixture>;

/// <summary>A patient without a consent under a deny-by-default policy: hidden from others, never from the patient.</summary>
public abstract class DenyByDefaultTests(StorageFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task PatientWithoutConsent_IsHiddenFromOthersOnly()
    {
        var admin = TestTokens.Access("system/*.cruds");
        using var created = await _client.SendAsync(HttpMethod.Post, "/fhir/Patient", admin, """{"resourceType":"Patient","name":[{"family":"Quiet"}]}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.BodyAsync()).Id();

        using var byOther = await _client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{id}", TestTokens.Access("user/*.rs", purposes: ["TREAT"]));
        using var bySelf = await _client.SendAsync(HttpMethod.Get, $"/fhir/Patient/{id}", TestTokens.Access("patient/*.rs", patient: id));

        Assert.Equal(HttpStatusCode.NotFound, byOther.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bySelf.StatusCode);
    }
}

public sealed class SqliteDenyByDefaultTests(DenyByDefaultSqliteFixture fixture) : DenyByDefaultTests(fixture), IClassFixture<DenyByDefaultSqliteFixture>;

public sealed class PostgresDenyByDefaultTests(DenyByDefaultPostgresFixture fixture) : DenyByDefaultTests(fixture), IClassFixture<DenyByDefaultPostgresFixture>;

/// <summary>A server on SQLite with security and the client registry on.</summary>
public sealed class RegistrySecuritySqliteFixture : SqliteFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = TestTokens.Settings(new Dictionary<string, string> { ["ClientRegistry:Enabled"] = "true" });
}

/// <summary>A server on PostgreSQL with security and the client registry on.</summary>
public sealed class RegistrySecurityPostgresFixture : PostgresFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = TestTokens.Settings(new Dictionary<string, string> { ["ClientRegistry:Enabled"] = "true" });
}

/// <summary>Operations under consent: they run for staff scopes, and answer as if a hidden patient were not there.</summary>
public abstract class OperationConsentTests(StorageFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task IhePix_ForAPatientWhoDenies_IsNotFound_ButAnswersUnderBreakTheGlass()
    {
        var admin = TestTokens.Access("system/*.cruds");
        var system = "http://hospital.example/mrn/" + Guid.NewGuid().ToString("N")[..8];
        using var created = await _client.SendAsync(HttpMethod.Post, "/fhir/Patient", admin,
            $$"""{"resourceType":"Patient","identifier":[{"system":"{{system}}","value":"1"}],"name":[{"family":"Pix","given":["Ada"]}],"birthDate":"1980-01-01","gender":"female"}""");
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.BodyAsync()).Id();
        var staff = TestTokens.Access("system/Patient.rs", purposes: ["TREAT", "BTG"]);
        var query = $"/fhir/Patient/$ihe-pix?sourceIdentifier={system}|1";
        using (var before = await _client.SendAsync(HttpMethod.Get, query, staff))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var consent = $$$"""
            {"resourceType":"Consent","status":"active",
             "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
             "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
             "patient":{"reference":"Patient/{{{id}}}"},"dateTime":"2026-01-01",
             "policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTIN"}]},"provision":{"type":"deny"}}
            """;
        using (var written = await _client.SendAsync(HttpMethod.Post, "/fhir/Consent", admin, consent))
        {
            Assert.True(written.StatusCode == HttpStatusCode.Created, await written.Content.ReadAsStringAsync());
        }

        using var denied = await _client.SendAsync(HttpMethod.Get, query, staff);
        using var glass = await _client.SendAsync(HttpMethod.Get, query, staff, purpose: "BTG");

        Assert.Equal(HttpStatusCode.NotFound, denied.StatusCode);
        Assert.Equal(HttpStatusCode.OK, glass.StatusCode);
    }
}

public sealed class SqliteOperationConsentTests(RegistrySecuritySqliteFixture fixture) : OperationConsentTests(fixture), IClassFixture<RegistrySecuritySqliteFixture>;

public sealed class PostgresOperationConsentTests(RegistrySecurityPostgresFixture fixture) : OperationConsentTests(fixture), IClassFixture<RegistrySecurityPostgresFixture>;
