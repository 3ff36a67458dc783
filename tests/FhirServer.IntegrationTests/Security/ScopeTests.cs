using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests.Security;

/// <summary>
/// SMART scopes on every path: each interaction needs its letter, a patient scope reaches only the
/// patient's compartment, a v2 scope with parameters only what matches them, and data outside the
/// scopes shapes no answer (no rows, no counts, no includes, no chained or <c>_has</c> matches, no
/// history, no $everything, no write). Each test makes two patients, A (the caller's) and B.
/// </summary>
public abstract class ScopeTests(StorageFixture fixture)
{
    private const string VitalSigns = "http://terminology.hl7.org/CodeSystem/observation-category|vital-signs";

    /// <summary>Made fresh for each use: a long run outlives a token.</summary>
    private static string Admin => TestTokens.Access("system/*.cruds");

    private readonly HttpClient _client = fixture.CreateClient();
    private readonly string _unique = Guid.NewGuid().ToString("N")[..10];

    private string Tag => $"_tag=http://example.org/test-run|{_unique}";

    [Fact]
    public async Task Read_PatientScope_ReachesOwnDataOnly_OthersLookAbsent()
    {
        var (a, b) = await PatientsAsync();
        var own = await ObservationAsync(a, "vital-signs");
        var other = await ObservationAsync(b, "vital-signs");
        var token = TestTokens.Access("patient/*.rs", patient: a);

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, $"Observation/{own}", token));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, $"Patient/{a}", token));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(HttpMethod.Get, $"Observation/{other}", token));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(HttpMethod.Get, $"Patient/{b}", token));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(HttpMethod.Get, $"Observation/{other}/_history/1", token));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(HttpMethod.Get, $"Observation/{other}/_history", token));
    }

    [Fact]
    public async Task Search_PatientScope_MatchesAndTotalCountOwnDataOnly()
    {
        var (a, b) = await PatientsAsync();
        var own = new[] { await ObservationAsync(a, "vital-signs"), await ObservationAsync(a, "laboratory") };
        await ObservationAsync(b, "vital-signs");
        var token = TestTokens.Access("patient/*.rs", patient: a);

        var bundle = await SearchAsync($"Observation?{Tag}&_total=accurate", token);

        Assert.Equal(own.Order(), bundle.Ids("match").Order());
        Assert.Equal(2, (int)bundle["total"]!);
        Assert.Equal(3, (int)(await SearchAsync($"Observation?{Tag}&_total=accurate", Admin))["total"]!);
    }

    [Fact]
    public async Task Search_HiddenRowsBetweenVisibleOnes_PagesKeepTheirSize()
    {
        var (a, b) = await PatientsAsync();
        var own = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            own.Add(await ObservationAsync(a, "vital-signs"));
            await ObservationAsync(b, "vital-signs");
        }

        var token = TestTokens.Access("patient/*.rs", patient: a);

        var first = await SearchAsync($"Observation?{Tag}&_count=2", token);
        var next = (string)first["link"]!.AsArray().Single(l => (string?)l!["relation"] == "next")!["url"]!;
        var second = await SearchAsync(next[(next.IndexOf("/fhir/", StringComparison.Ordinal) + 6)..], token);

        Assert.Equal(2, first.Ids("match").Count);
        Assert.Single(second.Ids("match"));
        Assert.DoesNotContain(second["link"]!.AsArray(), l => (string?)l!["relation"] == "next");
        Assert.Equal(own.Order(), first.Ids("match").Concat(second.Ids("match")).Order());
    }

    [Fact]
    public async Task Search_CompartmentOfAnotherPatient_IsEmpty()
    {
        var (a, b) = await PatientsAsync();
        await ObservationAsync(b, "vital-signs");

        var bundle = await SearchAsync($"Patient/{b}/Observation?{Tag}", TestTokens.Access("patient/*.rs", patient: a));

        Assert.Empty(bundle.Ids("match"));
    }

    [Fact]
    public async Task Include_TypeOutsideTheScopes_IsLeftOut()
    {
        var (a, _) = await PatientsAsync();
        var observation = await ObservationAsync(a, "vital-signs");

        var bundle = await SearchAsync($"Observation?{Tag}&_include=Observation:subject", TestTokens.Access("user/Observation.rs"));
        var withPatients = await SearchAsync($"Observation?{Tag}&_include=Observation:subject", TestTokens.Access("user/Observation.rs user/Patient.rs"));

        Assert.Equal([observation], bundle.Ids("match"));
        Assert.Empty(bundle.Ids("include"));
        Assert.Equal([a], withPatients.Ids("include"));
    }

    [Fact]
    public async Task RevInclude_OtherPatientsDataReferringToOwn_IsLeftOut()
    {
        var (a, b) = await PatientsAsync();
        var own = await ObservationAsync(a, "vital-signs");

        // B's observation is about A (focus), but focus is no compartment parameter
        // (compartmentdefinition-patient.html): it is B's data, hidden from A's caller.
        var hidden = await ObservationAsync(b, "vital-signs", focus: a);
        var token = TestTokens.Access("user/Patient.rs patient/Observation.rs", patient: a);

        var bundle = await SearchAsync($"Patient?{Tag}&_id={a}&_revinclude=Observation:focus&_revinclude=Observation:subject", token);

        Assert.Equal([own], bundle.Ids("include"));
        Assert.Contains(hidden, (await SearchAsync($"Patient?{Tag}&_id={a}&_revinclude=Observation:focus", Admin)).Ids("include"));
    }

    [Fact]
    public async Task Has_OnHiddenData_IsNoOracle()
    {
        var (a, b) = await PatientsAsync();
        await ObservationAsync(b, "vital-signs", code: "secret-" + _unique);
        var token = TestTokens.Access("user/Patient.rs patient/Observation.rs", patient: a);
        var query = $"Patient?{Tag}&_has:Observation:subject:code=http://loinc.org|secret-{_unique}";

        Assert.Empty((await SearchAsync(query, token)).Ids("match"));
        Assert.Equal([b], (await SearchAsync(query, Admin)).Ids("match"));
    }

    [Fact]
    public async Task Chain_ThroughHiddenData_IsNoOracle()
    {
        var (a, b) = await PatientsAsync();
        var others = await ObservationAsync(b, "vital-signs");
        var token = TestTokens.Access("user/Observation.rs patient/Patient.rs", patient: a);
        var query = $"Observation?{Tag}&subject:Patient.family=B-{_unique}";

        Assert.Empty((await SearchAsync(query, token)).Ids("match"));
        Assert.Equal([others], (await SearchAsync(query, Admin)).Ids("match"));
    }

    [Fact]
    public async Task History_OfAType_ShowsOwnDataOnly()
    {
        var (a, b) = await PatientsAsync();
        var own = await ObservationAsync(a, "vital-signs");
        var other = await ObservationAsync(b, "vital-signs");

        var history = await GetAsync("Observation/_history?_count=1000", TestTokens.Access("patient/*.rs", patient: a));

        var ids = history["entry"]!.AsArray().Select(e => (string)e!["resource"]!["id"]!).ToList();
        Assert.Contains(own, ids);
        Assert.DoesNotContain(other, ids);
    }

    [Fact]
    public async Task Everything_OwnPatientOnly()
    {
        var (a, b) = await PatientsAsync();
        var own = await ObservationAsync(a, "vital-signs");
        var token = TestTokens.Access("patient/*.rs", patient: a);

        var everything = await GetAsync($"Patient/{a}/$everything", token);

        Assert.Contains(own, everything.Ids("match"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(HttpMethod.Get, $"Patient/{b}/$everything", token));
    }

    [Fact]
    public async Task V2ScopeWithParameters_ReachesOnlyMatchingResources()
    {
        var (a, _) = await PatientsAsync();
        var vital = await ObservationAsync(a, "vital-signs");
        var lab = await ObservationAsync(a, "laboratory");
        var token = TestTokens.Access($"patient/Observation.rs?category={VitalSigns}", patient: a);

        Assert.Equal([vital], (await SearchAsync($"Observation?{Tag}", token)).Ids("match"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(HttpMethod.Get, $"Observation/{lab}", token));
    }

    [Theory]
    [InlineData("user/Observation.r", "search", HttpStatusCode.Forbidden)]
    [InlineData("user/Observation.r", "read", HttpStatusCode.OK)]
    [InlineData("user/Observation.s", "read", HttpStatusCode.Forbidden)]
    [InlineData("user/Observation.s", "search", HttpStatusCode.OK)]
    [InlineData("user/Observation.rs", "create", HttpStatusCode.Forbidden)]
    [InlineData("user/Observation.rs", "delete", HttpStatusCode.Forbidden)]
    [InlineData("user/Observation.cud", "search", HttpStatusCode.Forbidden)]
    [InlineData("user/Observation.read", "search", HttpStatusCode.OK)]
    [InlineData("user/Observation.write", "create", HttpStatusCode.Created)]
    [InlineData("user/Patient.rs", "read", HttpStatusCode.Forbidden)]
    [InlineData("patient/Observation.rs", "search", HttpStatusCode.Forbidden)]
    public async Task EachInteraction_NeedsItsScopeLetter(string scope, string interaction, HttpStatusCode expected)
    {
        var (a, _) = await PatientsAsync();
        var observation = await ObservationAsync(a, "vital-signs");
        var token = TestTokens.Access(scope);

        var status = interaction switch
        {
            "read" => await StatusAsync(HttpMethod.Get, $"Observation/{observation}", token),
            "search" => await StatusAsync(HttpMethod.Get, $"Observation?{Tag}", token),
            "create" => await StatusAsync(HttpMethod.Post, "Observation", token, Observation(a, "vital-signs").ToJsonString()),
            "delete" => await StatusAsync(HttpMethod.Delete, $"Observation/{observation}", token),
            _ => throw new ArgumentOutOfRangeException(nameof(interaction)),
        };

        Assert.Equal(expected, status);
    }

    [Fact]
    public async Task Write_PatientScope_OwnCompartmentOnly_NothingWrittenOtherwise()
    {
        var (a, b) = await PatientsAsync();
        var own = await ObservationAsync(a, "vital-signs");
        var token = TestTokens.Access("patient/Observation.crud", patient: a);

        Assert.Equal(HttpStatusCode.Created, await StatusAsync(HttpMethod.Post, "Observation", token, Observation(a, "laboratory").ToJsonString()));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Post, "Observation", token, Observation(b, "laboratory").ToJsonString()));

        // Moving own data to another patient is a write outside the compartment too.
        var moved = Observation(b, "vital-signs");
        moved["id"] = own;
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Put, $"Observation/{own}", token, moved.ToJsonString()));

        var all = await SearchAsync($"Observation?{Tag}", Admin);
        Assert.Equal(2, all.Ids("match").Count);
        Assert.Equal($"Patient/{a}", (string?)(await GetAsync($"Observation/{own}", Admin))["subject"]!["reference"]);
    }

    [Fact]
    public async Task Write_PatientScope_CannotChangeOrDeleteOthersData()
    {
        var (a, b) = await PatientsAsync();
        var other = await ObservationAsync(b, "vital-signs");
        var token = TestTokens.Access("patient/Observation.crud", patient: a);
        var takeover = Observation(a, "vital-signs");
        takeover["id"] = other;

        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Put, $"Observation/{other}", token, takeover.ToJsonString()));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Delete, $"Observation/{other}", token));
        Assert.Equal($"Patient/{b}", (string?)(await GetAsync($"Observation/{other}", Admin))["subject"]!["reference"]);
    }

    [Fact]
    public async Task Transaction_WithOneEntryOutsideTheScopes_WritesNothing()
    {
        var (a, b) = await PatientsAsync();
        var token = TestTokens.Access("patient/Observation.crus", patient: a);
        var transaction = Bundle("transaction", Observation(a, "vital-signs"), Observation(b, "vital-signs"));

        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Post, string.Empty, token, transaction));
        Assert.Empty((await SearchAsync($"Observation?{Tag}", Admin)).Ids("match"));
    }

    [Fact]
    public async Task Batch_EachEntryIsCheckedOnItsOwn()
    {
        var (a, b) = await PatientsAsync();
        var token = TestTokens.Access("patient/Observation.crus", patient: a);

        using var response = await _client.SendAsync(HttpMethod.Post, "/fhir", token, Bundle("batch", Observation(a, "vital-signs"), Observation(b, "vital-signs")));
        var result = await response.BodyAsync();

        var statuses = result["entry"]!.AsArray().Select(e => (string)e!["response"]!["status"]!).ToList();
        Assert.StartsWith("201", statuses[0], StringComparison.Ordinal);
        Assert.StartsWith("403", statuses[1], StringComparison.Ordinal);
        Assert.Single((await SearchAsync($"Observation?{Tag}", Admin)).Ids("match"));
    }

    [Fact]
    public async Task SystemSearchAndOperations_NeedScopesReachingEverything()
    {
        var (a, _) = await PatientsAsync();
        var own = await ObservationAsync(a, "vital-signs");
        var token = TestTokens.Access("patient/*.rs", patient: a);

        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Get, $"?{Tag}", token));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Get, "_history", token));
        Assert.Equal([own], (await SearchAsync($"?{Tag}&_type=Observation", token)).Ids("match"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Post, "Patient/$match", token, """{"resourceType":"Parameters","parameter":[{"name":"resource","resource":{"resourceType":"Patient","name":[{"family":"B"}]}}]}"""));
    }

    private async Task<(string A, string B)> PatientsAsync()
    {
        var a = await CreateAsync(new JsonObject { ["resourceType"] = "Patient", ["meta"] = Meta(), ["name"] = new JsonArray(new JsonObject { ["family"] = $"A-{_unique}" }) });
        var b = await CreateAsync(new JsonObject { ["resourceType"] = "Patient", ["meta"] = Meta(), ["name"] = new JsonArray(new JsonObject { ["family"] = $"B-{_unique}" }) });
        return (a, b);
    }

    private Task<string> ObservationAsync(string patient, string category, string? focus = null, string code = "8867-4") =>
        CreateAsync(Observation(patient, category, focus, code));

    private JsonObject Observation(string patient, string category, string? focus = null, string code = "8867-4")
    {
        var observation = new JsonObject
        {
            ["resourceType"] = "Observation",
            ["meta"] = Meta(),
            ["status"] = "final",
            ["category"] = new JsonArray(new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/observation-category", ["code"] = category }) }),
            ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = code }) },
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
        };
        if (focus is not null)
        {
            observation["focus"] = new JsonArray(new JsonObject { ["reference"] = $"Patient/{focus}" });
        }

        return observation;
    }

    private JsonObject Meta() => new() { ["tag"] = new JsonArray(new JsonObject { ["system"] = "http://example.org/test-run", ["code"] = _unique }) };

    private static string Bundle(string type, params JsonObject[] resources) => new JsonObject
    {
        ["resourceType"] = "Bundle",
        ["type"] = type,
        ["entry"] = new JsonArray(resources.Select(r => (JsonNode?)new JsonObject
        {
            ["resource"] = r,
            ["request"] = new JsonObject { ["method"] = "POST", ["url"] = (string)r["resourceType"]! },
        }).ToArray()),
    }.ToJsonString();

    private async Task<string> CreateAsync(JsonObject resource)
    {
        using var response = await _client.SendAsync(HttpMethod.Post, $"/fhir/{resource["resourceType"]}", Admin, resource.ToJsonString());
        var body = await response.BodyAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        return body.Id();
    }

    private async Task<HttpStatusCode> StatusAsync(HttpMethod method, string relative, string token, string? json = null)
    {
        using var response = await _client.SendAsync(method, "/fhir/" + relative, token, json);
        return response.StatusCode;
    }

    private async Task<JsonObject> GetAsync(string relative, string token)
    {
        using var response = await _client.SendAsync(HttpMethod.Get, "/fhir/" + relative, token);
        var body = await response.BodyAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{relative}: {body.ToJsonString()}");
        return body;
    }

    private Task<JsonObject> SearchAsync(string relative, string token) => GetAsync(relative, token);
}

public sealed class SqliteScopeTests(SecuritySqliteFixture fixture) : ScopeTests(fixture), IClassFixture<SecuritySqliteFixture>;

public sealed class PostgresScopeTests(SecurityPostgresFixture fixture) : ScopeTests(fixture), IClassFixture<SecurityPostgresFixture>;
