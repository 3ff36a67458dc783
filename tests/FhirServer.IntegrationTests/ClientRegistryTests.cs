using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// The client registry through the REST API (issue #6): matching on every write of a source
/// Patient, golden records built from their sources, staff decisions that survive re-matching,
/// Patient/$match, PIXm $ihe-pix, and concurrent registrations of one person. Each test makes
/// people with names of its own, so tests sharing a server cannot match each other's people.
/// </summary>
public abstract class ClientRegistryTests(StorageFixture fixture)
{
    private const string Tags = "https://fhirmh.org/fhir/CodeSystem/registry-tag";
    private const string ClinicA = "https://clinic-a.example/mrn";
    private const string ClinicB = "https://clinic-b.example/mrn";
    private const string NationalId = "https://health.example/national-id";

    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task FirstSource_GetsAGoldenRecord_LinkedBothWays()
    {
        var person = Person.New();

        var source = await RegisterAsync(person.Source(ClinicA));

        Assert.Contains(Tags + "|source-record", TagsOf(source));
        var goldenId = GoldenOf(source);
        var golden = await ReadAsync($"Patient/{goldenId}");
        Assert.Contains(Tags + "|golden-record", TagsOf(golden));
        Assert.Equal([$"Patient/{source.Id()}"], SeeAlso(golden));
        Assert.Equal(person.Family, (string?)golden["name"]![0]!["family"]);
        Assert.Equal(person.BirthDate, (string?)golden["birthDate"]);
        Assert.Contains(await SearchIdsAsync($"Patient?_tag={Tags}|golden-record&_id={goldenId}"), id => id == goldenId);
    }

    [Fact]
    public async Task SecondSystem_SamePersonWithTypos_IsLinkedToTheSameGoldenRecord()
    {
        var person = Person.New();
        var first = await RegisterAsync(person.Source(ClinicA));

        // IHE ITI-104: the second system registers by conditional update on its own identifier.
        var second = await RegisterAsync(person.Source(ClinicB, family: person.Family[..^1] + "x", withPhone: false), conditionalOn: ClinicB);

        Assert.Equal(GoldenOf(first), GoldenOf(second));
        var method = LinkDetail(second, "method");
        Assert.Equal("auto", (string?)method!["valueCode"]);
        Assert.NotNull(LinkDetail(second, "score"));
        var golden = await ReadAsync($"Patient/{GoldenOf(first)}");
        Assert.Equal(new[] { $"Patient/{first.Id()}", $"Patient/{second.Id()}" }.Order(), SeeAlso(golden).Order());
    }

    [Fact]
    public async Task DifferentPeople_GetGoldenRecordsOfTheirOwn()
    {
        var first = await RegisterAsync(Person.New().Source(ClinicA));
        var second = await RegisterAsync(Person.New().Source(ClinicA));

        Assert.NotEqual(GoldenOf(first), GoldenOf(second));
        Assert.DoesNotContain(Tags + "|possible-duplicate", TagsOf(second));
    }

    [Fact]
    public async Task UncertainMatch_IsTaggedForReview_AndListedWithItsScore()
    {
        var person = Person.New();
        var first = await RegisterAsync(person.Source(ClinicA, withPhone: false, withAddress: false));

        // Same given name, birth date and gender, another family name: between the thresholds.
        var second = await RegisterAsync(person.Source(ClinicB, family: person.UnlikeFamily(), withPhone: false, withAddress: false));

        Assert.NotEqual(GoldenOf(first), GoldenOf(second));
        Assert.Contains(Tags + "|possible-duplicate", TagsOf(second));
        Assert.Contains(second.Id(), await SearchIdsAsync($"Patient?_tag={Tags}|possible-duplicate&given={person.Given}"));
        using var review = await _client.GetAsync($"/fhir/Patient/{second.Id()}/$potential-matches");
        Assert.Equal(HttpStatusCode.OK, review.StatusCode);
        var entry = Assert.Single((await review.BodyAsync())["entry"]!.AsArray())!;
        Assert.Equal($"Patient/{GoldenOf(first)}", $"Patient/{(string?)entry["resource"]!["id"]}");
        Assert.InRange((double)entry["search"]!["score"]!, 0.0, 1.0);
        Assert.Contains(Grades(entry), g => g is "probable" or "possible");
    }

    [Fact]
    public async Task SourceUpdate_RecomputesTheGoldenRecord_MostRecentWins()
    {
        var person = Person.New();
        var first = await RegisterAsync(person.Source(ClinicA));
        var second = await RegisterAsync(person.Source(ClinicB, withPhone: false));
        var goldenId = GoldenOf(first);

        var changed = person.Source(ClinicA, phone: "+61 2 5550 9911");
        changed["id"] = first.Id();
        using var updated = await _client.PutAsync($"/fhir/Patient/{first.Id()}", Fhir.Json(changed));

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(goldenId, GoldenOf(await updated.BodyAsync()));
        var golden = await ReadAsync($"Patient/{goldenId}");
        Assert.Equal("+61 2 5550 9911", (string?)golden["telecom"]![0]!["value"]);
        Assert.Equal(2, SeeAlso(golden).Count);
        Assert.Equal(GoldenOf(second), goldenId);
    }

    [Fact]
    public async Task CannotLink_MovesTheSourceOut_AndSurvivesReMatching()
    {
        var person = Person.New();
        var first = await RegisterAsync(person.Source(ClinicA));
        var second = await RegisterAsync(person.Source(ClinicB));
        var goldenId = GoldenOf(first);
        Assert.Equal(goldenId, GoldenOf(second));

        using var decided = await _client.PostAsync($"/fhir/Patient/{second.Id()}/$cannot-link", Fhir.Json(GoldenParameter(goldenId)));

        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var moved = await decided.BodyAsync();
        Assert.NotEqual(goldenId, GoldenOf(moved));
        Assert.Contains(Tags + "|registry-reviewed", TagsOf(moved));
        Assert.Equal([$"Patient/{first.Id()}"], SeeAlso(await ReadAsync($"Patient/{goldenId}")));

        // The source system sends the same record again: matching must not undo the decision.
        var again = person.Source(ClinicB);
        again["id"] = second.Id();
        using var resent = await _client.PutAsync($"/fhir/Patient/{second.Id()}", Fhir.Json(again));
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.NotEqual(goldenId, GoldenOf(await resent.BodyAsync()));
    }

    [Fact]
    public async Task LinkGoldenRecord_JoinsTwoPeopleStaffKnowToBeOne_AndTheEmptyGoldenRecordGoes()
    {
        var first = await RegisterAsync(Person.New().Source(ClinicA));
        var second = await RegisterAsync(Person.New().Source(ClinicB));
        var target = GoldenOf(first);
        var orphan = GoldenOf(second);

        using var linked = await _client.PostAsync($"/fhir/Patient/{second.Id()}/$link-golden-record", Fhir.Json(GoldenParameter(target)));

        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        var body = await linked.BodyAsync();
        Assert.Equal(target, GoldenOf(body));
        Assert.Equal("manual", (string?)LinkDetail(body, "method")!["valueCode"]);
        Assert.Equal(2, SeeAlso(await ReadAsync($"Patient/{target}")).Count);
        using var gone = await _client.GetAsync($"/fhir/Patient/{orphan}");
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
    }

    [Fact]
    public async Task LinkGoldenRecord_ToASourceRecord_Is422()
    {
        var first = await RegisterAsync(Person.New().Source(ClinicA));
        var second = await RegisterAsync(Person.New().Source(ClinicB));

        using var refused = await _client.PostAsync($"/fhir/Patient/{second.Id()}/$link-golden-record", Fhir.Json(GoldenParameter(first.Id())));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("goldenRecord", (string?)(await refused.SingleIssueAsync())["expression"]![0]);
    }

    [Fact]
    public async Task ReviewOperations_WithGet_Are405()
    {
        var source = await RegisterAsync(Person.New().Source(ClinicA));

        using var refused = await _client.GetAsync($"/fhir/Patient/{source.Id()}/$cannot-link");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, refused.StatusCode);
    }

    [Fact]
    public async Task GoldenRecords_AreNotWrittenByClients()
    {
        var source = await RegisterAsync(Person.New().Source(ClinicA));
        var goldenId = GoldenOf(source);
        var golden = await ReadAsync($"Patient/{goldenId}");

        using var put = await _client.PutAsync($"/fhir/Patient/{goldenId}", Fhir.Json(golden));
        using var delete = await _client.DeleteAsync($"/fhir/Patient/{goldenId}");
        golden.Remove("id");
        using var post = await _client.PostAsync("/fhir/Patient", Fhir.Json(golden));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, put.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, post.StatusCode);
        Assert.Equal("Patient.meta.tag", (string?)(await post.SingleIssueAsync())["expression"]![0]);
    }

    [Fact]
    public async Task DeletingTheLastSource_DeletesItsGoldenRecord()
    {
        var source = await RegisterAsync(Person.New().Source(ClinicA));
        var goldenId = GoldenOf(source);

        using var deleted = await _client.DeleteAsync($"/fhir/Patient/{source.Id()}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await _client.GetAsync($"/fhir/Patient/{goldenId}");
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
    }

    [Fact]
    public async Task Transaction_TwoSystemsRegisteringOnePerson_GiveOneGoldenRecord()
    {
        var person = Person.New();
        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "transaction",
            ["entry"] = new JsonArray(
                Entry(person.Source(ClinicA), ClinicA, person),
                Entry(person.Source(ClinicB, withPhone: false), ClinicB, person)),
        };

        using var response = await _client.PostAsync("/fhir", Fhir.Json(bundle));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var locations = (await response.BodyAsync())["entry"]!.AsArray().Select(e => ((string)e!["response"]!["location"]!).Split('/')[1]).ToList();
        var goldens = new HashSet<string>();
        foreach (var id in locations)
        {
            goldens.Add(GoldenOf(await ReadAsync($"Patient/{id}")));
        }

        Assert.Single(goldens);
    }

    [Fact]
    public async Task ConcurrentRegistrations_OfOnePerson_GiveOneGoldenRecord()
    {
        for (var round = 0; round < 4; round++)
        {
            var person = Person.New();
            var registrations = new[] { ClinicA, ClinicB, NationalId }.Select(system =>
                _client.PutAsync($"/fhir/Patient?identifier={system}|{person.Key}", Fhir.Json(person.Source(system)))).ToList();
            var responses = await Task.WhenAll(registrations);

            var goldens = new HashSet<string>();
            foreach (var response in responses)
            {
                using (response)
                {
                    Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                    goldens.Add(GoldenOf(await response.BodyAsync()));
                }
            }

            Assert.Single(goldens);
            Assert.Equal(3, SeeAlso(await ReadAsync($"Patient/{goldens.Single()}")).Count);
        }
    }

    [Fact]
    public async Task Match_FindsTheGoldenRecord_WithScoreGradeAndExplanation()
    {
        var person = Person.New();
        var source = await RegisterAsync(person.Source(ClinicA));
        var query = person.Source(ClinicB, withPhone: false);

        using var response = await _client.PostAsync("/fhir/Patient/$match", Fhir.Json(MatchParameters(query, onlyCertain: false, count: 3)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bundle = await response.BodyAsync();
        Assert.Equal("searchset", (string?)bundle["type"]);
        var entry = bundle["entry"]!.AsArray().First()!;
        Assert.Equal(GoldenOf(source), (string?)entry["resource"]!["id"]);
        Assert.Equal("match", (string?)entry["search"]!["mode"]);
        Assert.InRange((double)entry["search"]!["score"]!, 0.99, 1.0);
        Assert.Equal(["certain"], Grades(entry));
        var explanation = entry["search"]!["extension"]!.AsArray().Single(e => ((string)e!["url"]!).EndsWith("match-explanation", StringComparison.Ordinal))!;
        var fields = explanation["extension"]!.AsArray().Where(e => (string?)e!["url"] == "field").ToList();
        Assert.Contains(fields, f => f!["extension"]!.AsArray().Any(p => (string?)p!["url"] == "name" && (string?)p["valueString"] == "birthDate"));
    }

    [Fact]
    public async Task Match_InXml_GivesTheGoldenRecordWithScoreAndGrade()
    {
        var person = Person.New();
        var source = await RegisterAsync(person.Source(ClinicA));
        var query = person.Source(ClinicB, withPhone: false);

        using var response = await _client.PostAsync("/fhir/Patient/$match?_format=xml", Fhir.Json(MatchParameters(query, onlyCertain: false, count: 3)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var xml = System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync());
        System.Xml.Linq.XNamespace f = "http://hl7.org/fhir";
        var entry = xml.Root!.Elements(f + "entry").First();
        Assert.Equal(GoldenOf(source), entry.Element(f + "resource")!.Element(f + "Patient")!.Element(f + "id")!.Attribute("value")!.Value);
        var search = entry.Element(f + "search")!;
        Assert.Equal("match", search.Element(f + "mode")!.Attribute("value")!.Value);
        Assert.InRange(double.Parse(search.Element(f + "score")!.Attribute("value")!.Value, System.Globalization.CultureInfo.InvariantCulture), 0.99, 1.0);
        Assert.Contains(search.Elements(f + "extension"), e => e.Attribute("url")!.Value == "http://hl7.org/fhir/StructureDefinition/match-grade" &&
            e.Element(f + "valueCode")!.Attribute("value")!.Value == "certain");
    }

    [Fact]
    public async Task Match_OnlyCertainMatches_LeavesOutUncertainOnes()
    {
        var person = Person.New();
        await RegisterAsync(person.Source(ClinicA, withPhone: false, withAddress: false));
        var query = person.Source(ClinicB, family: person.UnlikeFamily(), withPhone: false, withAddress: false);

        using var all = await _client.PostAsync("/fhir/Patient/$match", Fhir.Json(MatchParameters(query, onlyCertain: false, count: 5)));
        using var certain = await _client.PostAsync("/fhir/Patient/$match", Fhir.Json(MatchParameters(query.DeepClone().AsObject(), onlyCertain: true, count: 5)));

        Assert.NotEmpty((await all.BodyAsync())["entry"]!.AsArray());
        Assert.Equal(0, (int)(await certain.BodyAsync())["total"]!);
    }

    [Fact]
    public async Task Match_WithoutAPatient_Is400NamingTheParameter()
    {
        var onlyCount = new JsonObject
        {
            ["resourceType"] = "Parameters",
            ["parameter"] = new JsonArray(new JsonObject { ["name"] = "count", ["valueInteger"] = 3 }),
        };

        using var response = await _client.PostAsync("/fhir/Patient/$match", Fhir.Json(onlyCount));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("resource", (string?)(await response.SingleIssueAsync())["expression"]![0]);
    }

    [Fact]
    public async Task IhePix_ReturnsTheOtherSystemsIdentifiers()
    {
        var person = Person.New();
        var first = await RegisterAsync(person.Source(ClinicA));
        var second = await RegisterAsync(person.Source(ClinicB, withPhone: false));

        using var all = await _client.GetAsync($"/fhir/Patient/$ihe-pix?sourceIdentifier={ClinicA}|{person.Key}");
        using var filtered = await _client.GetAsync($"/fhir/Patient/$ihe-pix?sourceIdentifier={ClinicA}|{person.Key}&targetSystem={ClinicB}");

        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        var parameters = (await filtered.BodyAsync())["parameter"]!.AsArray();
        var identifier = Assert.Single(parameters, p => (string?)p!["name"] == "targetIdentifier")!;
        Assert.Equal(ClinicB, (string?)identifier["valueIdentifier"]!["system"]);
        Assert.Equal(person.Key, (string?)identifier["valueIdentifier"]!["value"]);
        var target = Assert.Single(parameters, p => (string?)p!["name"] == "targetId")!;
        Assert.EndsWith($"Patient/{second.Id()}", (string?)target["valueReference"]!["reference"]);
        Assert.DoesNotContain((await all.BodyAsync())["parameter"]!.AsArray(), p => ((string?)p!["valueReference"]?["reference"])?.EndsWith(first.Id(), StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task IhePix_UnknownSourceIdentifier_Is404_UnknownTargetSystem_Is403()
    {
        var person = Person.New();
        await RegisterAsync(person.Source(ClinicA));

        using var unknownSource = await _client.GetAsync($"/fhir/Patient/$ihe-pix?sourceIdentifier={ClinicA}|no-such-{person.Key}");
        using var unknownTarget = await _client.GetAsync($"/fhir/Patient/$ihe-pix?sourceIdentifier={ClinicA}|{person.Key}&targetSystem=https://nowhere.example/ids");

        Assert.Equal(HttpStatusCode.NotFound, unknownSource.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, unknownTarget.StatusCode);
        Assert.Equal("targetSystem", (string?)(await unknownTarget.SingleIssueAsync())["expression"]![0]);
    }

    [Fact]
    public async Task IhePix_UnknownSourceSystem_Is400()
    {
        using var response = await _client.GetAsync($"/fhir/Patient/$ihe-pix?sourceIdentifier=https://nowhere.example/{Guid.NewGuid():N}|1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("code-invalid", (string?)issue["code"]);
        Assert.Equal("sourceIdentifier", (string?)issue["expression"]![0]);
    }

    [Fact]
    public async Task GoldenRecordGoing_TakesSourcesWaitingOnItOutOfReview()
    {
        var person = Person.New();
        var first = await RegisterAsync(person.Source(ClinicA, withPhone: false, withAddress: false));
        var second = await RegisterAsync(person.Source(ClinicB, family: person.UnlikeFamily(), withPhone: false, withAddress: false));
        Assert.Contains(Tags + "|possible-duplicate", TagsOf(second));

        using var deleted = await _client.DeleteAsync($"/fhir/Patient/{first.Id()}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.DoesNotContain(Tags + "|possible-duplicate", TagsOf(await ReadAsync($"Patient/{second.Id()}")));
    }

    [Fact]
    public async Task ConcurrentUpdates_OfOneSource_WithoutIfMatch_AllSucceed()
    {
        var person = Person.New();
        var source = await RegisterAsync(person.Source(ClinicA));
        var updates = Enumerable.Range(0, 6).Select(i =>
        {
            var changed = person.Source(ClinicA, phone: $"+61 2 5550 00{i:D2}");
            changed["id"] = source.Id();
            return _client.PutAsync($"/fhir/Patient/{source.Id()}", Fhir.Json(changed));
        }).ToList();

        var responses = await Task.WhenAll(updates);

        foreach (var response in responses)
        {
            using (response)
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }

        Assert.Equal("7", (string?)(await ReadAsync($"Patient/{source.Id()}"))["meta"]!["versionId"]);
    }

    [Fact]
    public async Task MatchRules_ThatAreNotUsable_Are422AtTheData()
    {
        var binary = new JsonObject
        {
            ["resourceType"] = "Binary",
            ["id"] = "patient-match-rules",
            ["contentType"] = "application/json",
            ["data"] = Convert.ToBase64String("""{"version":"x","fields":[{"name":"family","path":"Patient.name.family","comparator":"name","levels":[{"name":"exact","m":1.5,"u":0.1}]}],"blocking":[],"upperThreshold":10,"lowerThreshold":5,"priorMatchProbability":0.001,"blockSizeCap":50}"""u8.ToArray()),
        };

        using var response = await _client.PutAsync("/fhir/Binary/patient-match-rules", Fhir.Json(binary));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("Binary.data", (string?)issue["expression"]![0]);
        Assert.Contains("fields[0]", (string?)issue["diagnostics"], StringComparison.Ordinal);
    }

    private static JsonObject Entry(JsonObject patient, string system, Person person) => new()
    {
        ["fullUrl"] = $"urn:uuid:{Guid.NewGuid()}",
        ["resource"] = patient,
        ["request"] = new JsonObject { ["method"] = "PUT", ["url"] = $"Patient?identifier={system}|{person.Key}" },
    };

    private static JsonObject GoldenParameter(string goldenId) => new()
    {
        ["resourceType"] = "Parameters",
        ["parameter"] = new JsonArray(new JsonObject { ["name"] = "goldenRecord", ["valueReference"] = new JsonObject { ["reference"] = $"Patient/{goldenId}" } }),
    };

    private static JsonObject MatchParameters(JsonObject patient, bool onlyCertain, int count) => new()
    {
        ["resourceType"] = "Parameters",
        ["parameter"] = new JsonArray(
            new JsonObject { ["name"] = "resource", ["resource"] = patient },
            new JsonObject { ["name"] = "onlyCertainMatches", ["valueBoolean"] = onlyCertain },
            new JsonObject { ["name"] = "count", ["valueInteger"] = count }),
    };

    private async Task<JsonObject> RegisterAsync(JsonObject patient, string? conditionalOn = null)
    {
        var key = (string)patient["identifier"]![0]!["value"]!;
        using var response = conditionalOn is null
            ? await _client.PostAsync("/fhir/Patient", Fhir.Json(patient))
            : await _client.PutAsync($"/fhir/Patient?identifier={conditionalOn}|{key}", Fhir.Json(patient));
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.BodyAsync();
    }

    private async Task<JsonObject> ReadAsync(string path)
    {
        using var response = await _client.GetAsync($"/fhir/{path}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.BodyAsync();
    }

    private async Task<List<string>> SearchIdsAsync(string search)
    {
        using var response = await _client.GetAsync($"/fhir/{search}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ((await response.BodyAsync())["entry"]?.AsArray() ?? []).Select(e => (string)e!["resource"]!["id"]!).ToList();
    }

    private static List<string> TagsOf(JsonObject resource) =>
        (resource["meta"]?["tag"]?.AsArray() ?? []).Select(t => $"{(string?)t!["system"]}|{(string?)t["code"]}").ToList();

    private static string GoldenOf(JsonObject source)
    {
        var refer = Assert.Single(source["link"]!.AsArray(), l => (string?)l!["type"] == "refer")!;
        return ((string)refer["other"]!["reference"]!).Split('/')[1];
    }

    private static JsonNode? LinkDetail(JsonObject source, string name)
    {
        var refer = source["link"]!.AsArray().Single(l => (string?)l!["type"] == "refer")!;
        var details = refer["extension"]!.AsArray().Single(e => ((string)e!["url"]!).EndsWith("registry-link", StringComparison.Ordinal))!;
        return details["extension"]!.AsArray().SingleOrDefault(e => (string?)e!["url"] == name);
    }

    private static List<string> SeeAlso(JsonObject golden) =>
        (golden["link"]?.AsArray() ?? []).Where(l => (string?)l!["type"] == "seealso").Select(l => (string)l!["other"]!["reference"]!).ToList();

    private static List<string?> Grades(JsonNode entry) =>
        entry["search"]!["extension"]!.AsArray()
            .Where(e => (string?)e!["url"] == "http://hl7.org/fhir/StructureDefinition/match-grade")
            .Select(e => (string?)e!["valueCode"])
            .ToList();

    /// <summary>A made-up person with a name nobody else in the test run has.</summary>
    /// <summary>
    /// A made-up person. Every field but gender and state is drawn for the person: the tests of one class share
    /// a database, and two people who shared an address would start near the auto-link threshold.
    /// </summary>
    private sealed record Person(string Key, string Given, string Family, string BirthDate, string Phone, string Postcode, string Street, string City)
    {
        private static readonly string[] Givens = ["Amara", "Kofi", "Leila", "Tomas", "Ingrid", "Rashid", "Mei", "Oskar", "Nadia", "Yusuf"];

        public static Person New()
        {
            var random = Random.Shared;
            var key = Guid.NewGuid().ToString("N")[..10];
            var birthDate = $"{random.Next(1940, 2010)}-{random.Next(1, 13):D2}-{random.Next(1, 29):D2}";
            var postcode = random.Next(2000, 7999).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new Person(key, Givens[random.Next(Givens.Length)], NewName(), birthDate, $"+61 4{random.Next(10_000_000, 99_999_999)}", postcode, $"{random.Next(1, 999)} {NewName()} Street", NewName());
        }

        private static readonly string[] Syllables = ["ka", "lo", "mi", "ran", "tes", "vu", "zor", "bel", "dun", "fia", "gor", "hil", "jem", "nok", "pru", "quin", "sab", "wex"];

        /// <summary>A pronounceable family name from random syllables, so its phonetic code is as rare as the name.</summary>
        public static string NewName() => NameFrom(Syllables);

        /// <summary>
        /// Another family name built only from syllables this person's name lacks. Two random names can
        /// share a prefix and score "alike", which would turn an expected review into an automatic link.
        /// </summary>
        public string UnlikeFamily() =>
            NameFrom([.. Syllables.Where(s => !Family.Contains(s, StringComparison.OrdinalIgnoreCase))]);

        private static string NameFrom(string[] syllables)
        {
            var random = Random.Shared;
            var name = string.Concat(Enumerable.Range(0, 4).Select(_ => syllables[random.Next(syllables.Length)]));
            return char.ToUpperInvariant(name[0]) + name[1..];
        }

        public JsonObject Source(string system, string? family = null, bool withPhone = true, bool withAddress = true, string? phone = null)
        {
            var patient = new JsonObject
            {
                ["resourceType"] = "Patient",
                ["identifier"] = new JsonArray(new JsonObject { ["system"] = system, ["value"] = Key }),
                ["name"] = new JsonArray(new JsonObject { ["family"] = family ?? Family, ["given"] = new JsonArray(Given) }),
                ["gender"] = "female",
                ["birthDate"] = BirthDate,
            };
            if (withPhone || phone is not null)
            {
                patient["telecom"] = new JsonArray(new JsonObject { ["system"] = "phone", ["value"] = phone ?? Phone });
            }

            if (withAddress)
            {
                patient["address"] = new JsonArray(new JsonObject { ["line"] = new JsonArray(Street), ["city"] = City, ["postalCode"] = Postcode, ["state"] = "NSW" });
            }

            return patient;
        }
    }
}

public sealed class SqliteClientRegistryTests(RegistrySqliteFixture fixture) : ClientRegistryTests(fixture), IClassFixture<RegistrySqliteFixture>;

public sealed class PostgresClientRegistryTests(RegistryPostgresFixture fixture) : ClientRegistryTests(fixture), IClassFixture<RegistryPostgresFixture>;
