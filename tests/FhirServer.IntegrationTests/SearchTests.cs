using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// search (search.html) through the HTTP pipeline. Every test makes its own data under a unique
/// tag or name and asserts on the ids it made, so tests share one database safely.
/// </summary>
public abstract class SearchTests(StorageFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();
    private readonly string _unique = Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task String_DefaultMatch_IsCaseAndAccentInsensitivePrefix()
    {
        var id = await CreateAsync(Patient(family: $"Müller{_unique}"));

        Assert.Equal([id], await IdsAsync($"Patient?family=MULLER{_unique}"));
        Assert.Equal([id], await IdsAsync($"Patient?name=mull"+ "er" + _unique[..4]));
        Assert.Empty(await IdsAsync($"Patient?family:exact=Muller{_unique}"));
        Assert.Equal([id], await IdsAsync($"Patient?family:exact=Müller{_unique}"));
        Assert.Equal([id], await IdsAsync($"Patient?family:contains={_unique[2..8]}"));
    }

    [Fact]
    public async Task Token_SystemAndCodeForms_FollowSearchSpec()
    {
        var withSystem = await CreateAsync(Patient(identifier: ("http://example.org/mrn", $"A{_unique}")));
        var withoutSystem = await CreateAsync(Patient(identifier: (null, $"A{_unique}")));

        Assert.Equal([withSystem], await IdsAsync($"Patient?identifier=http://example.org/mrn|A{_unique}"));
        Assert.Equal([withoutSystem], await IdsAsync($"Patient?identifier=|A{_unique}"));
        Assert.Equal([withSystem, withoutSystem], await IdsAsync($"Patient?identifier=A{_unique}"));
        Assert.Contains(withSystem, await IdsAsync($"Patient?identifier=http://example.org/mrn|&_tag={_unique}&_count=1000"));
        Assert.Empty(await IdsAsync($"Patient?identifier=http://example.org/other|A{_unique}"));
    }

    [Fact]
    public async Task Token_Not_MatchesResourcesWithoutTheCode()
    {
        var female = await CreateAsync(Patient(gender: "female"));
        var male = await CreateAsync(Patient(gender: "male"));
        var none = await CreateAsync(Patient());

        Assert.Equal([male, none], await IdsAsync($"Patient?_tag={_unique}&gender:not=female"));
        Assert.Equal([female], await IdsAsync($"Patient?_tag={_unique}&gender=female"));
    }

    [Fact]
    public async Task Token_InAndHierarchy_UseStoredValueSetsAndCodeSystems()
    {
        var system = $"http://example.org/cs-{_unique}";
        await CreateAsync(new JsonObject
        {
            ["resourceType"] = "CodeSystem",
            ["url"] = system,
            ["status"] = "active",
            ["content"] = "complete",
            ["concept"] = new JsonArray(
                new JsonObject
                {
                    ["code"] = "A",
                    ["concept"] = new JsonArray(new JsonObject { ["code"] = "A1", ["concept"] = new JsonArray(new JsonObject { ["code"] = "A1a" }) }),
                },
                new JsonObject { ["code"] = "B" }),
        });
        var enumerated = $"http://example.org/vs-{_unique}";
        await CreateAsync(ValueSet(enumerated, new JsonObject
        {
            ["system"] = system,
            ["concept"] = new JsonArray(new JsonObject { ["code"] = "A1" }, new JsonObject { ["code"] = "B" }),
        }));
        var filtered = $"http://example.org/vs-isa-{_unique}";
        await CreateAsync(ValueSet(filtered, new JsonObject
        {
            ["system"] = system,
            ["filter"] = new JsonArray(new JsonObject { ["property"] = "concept", ["op"] = "is-a", ["value"] = "A1" }),
        }));
        var a = await CreateAsync(Condition(system, "A"));
        var a1 = await CreateAsync(Condition(system, "A1"));
        var a1a = await CreateAsync(Condition(system, "A1a"));
        var b = await CreateAsync(Condition(system, "B"));

        Assert.Equal([a, a1, a1a], await IdsAsync($"Condition?_tag={_unique}&code:below={system}|A"));
        Assert.Equal([a, a1, a1a], await IdsAsync($"Condition?_tag={_unique}&code:above={system}|A1a"));
        Assert.Equal([a1, b], await IdsAsync($"Condition?_tag={_unique}&code:in={enumerated}"));
        Assert.Equal([a, a1a], await IdsAsync($"Condition?_tag={_unique}&code:not-in={enumerated}"));
        Assert.Equal([a1, a1a], await IdsAsync($"Condition?_tag={_unique}&code:in={filtered}"));
    }

    private static JsonObject ValueSet(string url, JsonObject include) => new()
    {
        ["resourceType"] = "ValueSet",
        ["url"] = url,
        ["status"] = "active",
        ["compose"] = new JsonObject { ["include"] = new JsonArray(include) },
    };

    private JsonObject Condition(string system, string code) => new()
    {
        ["resourceType"] = "Condition",
        ["meta"] = Tagged(),
        ["subject"] = new JsonObject { ["reference"] = "Patient/someone" },
        ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = system, ["code"] = code }) },
    };

    [Theory]
    [InlineData("1980", true)]
    [InlineData("1980-02", true)]
    [InlineData("1980-02-14", true)]
    [InlineData("1980-02-15", false)]
    [InlineData("ge1980-02-14", true)]
    [InlineData("gt1980-02-14", false)]
    [InlineData("lt1980-02-15", true)]
    [InlineData("le1980-02-13", false)]
    [InlineData("sa1980-02-13", true)]
    [InlineData("eb1980-02-14", false)]
    [InlineData("ne1980-02-14", false)]
    public async Task Date_PrecisionAndPrefixes_CompareRanges(string value, bool isMatch)
    {
        // A day is the range [1980-02-14, 1980-02-15) (search.html#date).
        var id = await CreateAsync(Patient(birthDate: "1980-02-14"));

        var ids = await IdsAsync($"Patient?_tag={_unique}&birthdate={value}");

        Assert.Equal(isMatch ? [id] : [], ids);
    }

    [Fact]
    public async Task Date_WithTimeZone_ComparesInstants()
    {
        // 23:30 at -05:00 is 04:30 the next day in UTC.
        var id = await CreateAsync(Observation(effective: "2020-01-01T23:30:00-05:00"));

        Assert.Equal([id], await IdsAsync($"Observation?_tag={_unique}&date=ge2020-01-02T04:00:00Z"));
        Assert.Empty(await IdsAsync($"Observation?_tag={_unique}&date=gt2020-01-02T05:00:00Z"));
        Assert.Equal([id], await IdsAsync($"Observation?_tag={_unique}&date=2020-01-01T23:30:00-05:00"));
    }

    [Fact]
    public async Task Quantity_InCanonicalUnits_MatchesMilligramsAsGrams()
    {
        var id = await CreateAsync(Observation(quantity: (5, "mg")));

        Assert.Equal([id], await IdsAsync($"Observation?_tag={_unique}&value-quantity=5|http://unitsofmeasure.org|mg"));
        Assert.Equal([id], await IdsAsync($"Observation?_tag={_unique}&value-quantity=0.005|http://unitsofmeasure.org|g"));
        Assert.Empty(await IdsAsync($"Observation?_tag={_unique}&value-quantity=5|http://unitsofmeasure.org|g"));
        Assert.Equal([id], await IdsAsync($"Observation?_tag={_unique}&value-quantity=gt4|http://unitsofmeasure.org|mg"));
    }

    [Fact]
    public async Task Composite_PairsComponentsOfTheSameElement()
    {
        var weight = await CreateAsync(Observation(code: "29463-7", quantity: (80, "kg")));
        var pressure = Observation(code: "85354-9");
        pressure["component"] = new JsonArray(
            Component("8480-6", 120),
            Component("8462-4", 80));
        var bloodPressure = await CreateAsync(pressure);

        Assert.Equal([weight], await IdsAsync($"Observation?_tag={_unique}&code-value-quantity=http://loinc.org|29463-7$gt70|http://unitsofmeasure.org|kg"));
        Assert.Equal([weight], await IdsAsync($"Observation?_tag={_unique}&code-value-quantity=29463-7$80000|http://unitsofmeasure.org|g"));
        Assert.Empty(await IdsAsync($"Observation?_tag={_unique}&code-value-quantity=http://loinc.org|29463-7$lt70"));
        Assert.Equal([bloodPressure], await IdsAsync($"Observation?_tag={_unique}&component-code-value-quantity=http://loinc.org|8480-6$gt100"));
        Assert.Empty(await IdsAsync($"Observation?_tag={_unique}&component-code-value-quantity=http://loinc.org|8462-4$gt100"));
    }

    private static JsonObject Component(string code, decimal value) => new()
    {
        ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = code }) },
        ["valueQuantity"] = new JsonObject { ["value"] = value, ["unit"] = "mm[Hg]", ["system"] = "http://unitsofmeasure.org", ["code"] = "mm[Hg]" },
    };

    [Fact]
    public async Task Missing_AndSort_PutResourcesWithoutValueLast()
    {
        var old = await CreateAsync(Patient(birthDate: "1950-01-01"));
        var none = await CreateAsync(Patient());
        var young = await CreateAsync(Patient(birthDate: "2000-01-01"));

        Assert.Equal([none], await IdsAsync($"Patient?_tag={_unique}&birthdate:missing=true"));
        Assert.Equal([old, young], await IdsAsync($"Patient?_tag={_unique}&birthdate:missing=false"));
        Assert.Equal([old, young, none], await IdsAsync($"Patient?_tag={_unique}&_sort=birthdate"));
        Assert.Equal([young, old, none], await IdsAsync($"Patient?_tag={_unique}&_sort=-birthdate"));
    }

    [Fact]
    public async Task Reference_Forms_MatchTheTarget()
    {
        var patient = await CreateAsync(Patient());
        var observation = await CreateAsync(Observation(subject: $"Patient/{patient}"));

        Assert.Equal([observation], await IdsAsync($"Observation?subject=Patient/{patient}"));
        Assert.Equal([observation], await IdsAsync($"Observation?subject={patient}"));
        Assert.Equal([observation], await IdsAsync($"Observation?subject:Patient={patient}"));
        Assert.Equal([observation], await IdsAsync($"Observation?patient={patient}"));
        Assert.Empty(await IdsAsync($"Observation?subject:Group={patient}"));
    }

    [Fact]
    public async Task Reference_IdentifierAndCanonicalWithVersion_Match()
    {
        var observation = Observation();
        observation["subject"] = new JsonObject { ["identifier"] = new JsonObject { ["system"] = "http://example.org/mrn", ["value"] = _unique } };
        var byIdentifier = await CreateAsync(observation);

        // A response is checked against the questionnaire it names, which must be stored.
        await CreateAsync(new JsonObject
        {
            ["resourceType"] = "Questionnaire",
            ["url"] = $"http://example.org/Questionnaire/phq9-{_unique}",
            ["version"] = "1.0",
            ["status"] = "active",
        });
        var response = await CreateAsync(new JsonObject
        {
            ["resourceType"] = "QuestionnaireResponse",
            ["meta"] = Tagged(),
            ["status"] = "completed",
            ["questionnaire"] = $"http://example.org/Questionnaire/phq9-{_unique}|1.0",
        });

        Assert.Equal([byIdentifier], await IdsAsync($"Observation?subject:identifier=http://example.org/mrn|{_unique}"));
        Assert.Equal([response], await IdsAsync($"QuestionnaireResponse?questionnaire=http://example.org/Questionnaire/phq9-{_unique}"));
        Assert.Equal([response], await IdsAsync($"QuestionnaireResponse?questionnaire=http://example.org/Questionnaire/phq9-{_unique}|1.0"));
        Assert.Empty(await IdsAsync($"QuestionnaireResponse?questionnaire=http://example.org/Questionnaire/phq9-{_unique}|2.0"));
    }

    [Fact]
    public async Task Token_Text_MatchesDisplayCaseAndAccentInsensitive()
    {
        var observation = Observation();
        observation["code"] = new JsonObject
        {
            ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = "44261-6", ["display"] = $"Évaluation PHQ-9 {_unique}" }),
        };
        var id = await CreateAsync(observation);

        Assert.Equal([id], await IdsAsync($"Observation?_tag={_unique}&code:text=evaluation"));
        Assert.Empty(await IdsAsync($"Observation?_tag={_unique}&code:text=anxiety"));
    }

    [Fact]
    public async Task Uri_BelowAndAbove_ComparePaths()
    {
        var id = await CreateAsync(new JsonObject
        {
            ["resourceType"] = "ValueSet",
            ["meta"] = Tagged(),
            ["status"] = "active",
            ["url"] = $"http://example.org/fhir/{_unique}/ValueSet/phq9-answers",
        });

        Assert.Equal([id], await IdsAsync($"ValueSet?url:below=http://example.org/fhir/{_unique}"));
        Assert.Equal([id], await IdsAsync($"ValueSet?_tag={_unique}&url:above=http://example.org/fhir/{_unique}/ValueSet/phq9-answers/extra"));
        Assert.Empty(await IdsAsync($"ValueSet?url=http://example.org/fhir/{_unique}"));
    }

    [Theory]
    [InlineData("0.5", true)]
    [InlineData("0.50", true)]
    [InlineData("0.6", false)]
    [InlineData("gt0.4", true)]
    [InlineData("lt0.5", false)]
    [InlineData("ge0.5", true)]
    public async Task Number_PrecisionAndPrefixes_Compare(string value, bool isMatch)
    {
        var id = await CreateAsync(new JsonObject
        {
            ["resourceType"] = "RiskAssessment",
            ["meta"] = Tagged(),
            ["status"] = "final",
            ["subject"] = new JsonObject { ["reference"] = "Patient/someone" },
            ["prediction"] = new JsonArray(new JsonObject { ["probabilityDecimal"] = 0.5 }),
        });

        Assert.Equal(isMatch ? [id] : [], await IdsAsync($"RiskAssessment?_tag={_unique}&probability={value}"));
    }

    [Fact]
    public async Task Chain_TwoLevels_FollowsReferences()
    {
        var organization = await CreateAsync(new JsonObject { ["resourceType"] = "Organization", ["name"] = $"Clinic{_unique}" });
        var patient = await CreateAsync(Patient(organization: $"Organization/{organization}"));
        var observation = await CreateAsync(Observation(subject: $"Patient/{patient}"));
        await CreateAsync(Observation(subject: $"Patient/{await CreateAsync(Patient())}"));

        Assert.Equal([observation], await IdsAsync($"Observation?subject:Patient.organization.name=clinic{_unique}"));
        Assert.Equal([observation], await IdsAsync($"Observation?subject.organization.name=clinic{_unique}"));
        Assert.Empty(await IdsAsync($"Observation?subject:Patient.organization.name=other{_unique}"));
    }

    [Fact]
    public async Task Has_Nested_FindsPatientsThroughReverseChains()
    {
        var patient = await CreateAsync(Patient());
        var other = await CreateAsync(Patient());
        var observation = await CreateAsync(Observation(subject: $"Patient/{patient}", code: "44261-6"));
        await CreateAsync(Observation(subject: $"Patient/{other}", code: "70274-6"));
        await CreateAsync(new JsonObject
        {
            ["resourceType"] = "DiagnosticReport",
            ["status"] = "final",
            ["code"] = new JsonObject { ["text"] = "PHQ-9" },
            ["result"] = new JsonArray(new JsonObject { ["reference"] = $"Observation/{observation}" }),
        });

        Assert.Equal([patient], await IdsAsync($"Patient?_tag={_unique}&_has:Observation:subject:code=http://loinc.org|44261-6"));
        Assert.Equal([patient], await IdsAsync($"Patient?_tag={_unique}&_has:Observation:subject:_has:DiagnosticReport:result:status=final"));
        Assert.Empty(await IdsAsync($"Patient?_tag={_unique}&_has:Observation:subject:_has:DiagnosticReport:result:status=preliminary"));
    }

    [Fact]
    public async Task Has_SourceUpdatedAwayOrDeleted_NoLongerFindsThePatient()
    {
        var updatedAway = await CreateAsync(Patient());
        var deleted = await CreateAsync(Patient());
        var kept = await CreateAsync(Patient());
        var changing = await CreateAsync(Observation(subject: $"Patient/{updatedAway}", code: "44261-6"));
        var going = await CreateAsync(Observation(subject: $"Patient/{deleted}", code: "44261-6"));
        await CreateAsync(Observation(subject: $"Patient/{kept}", code: "44261-6"));
        var search = $"Patient?_tag={_unique}&_has:Observation:subject:code=http://loinc.org|44261-6";
        Assert.Equal(3, (await IdsAsync(search)).Count);

        var changed = Observation(subject: $"Patient/{updatedAway}", code: "70274-6");
        changed["id"] = changing;
        using var put = await _client.PutAsync($"/fhir/Observation/{changing}", Fhir.Json(changed));
        using var delete = await _client.DeleteAsync($"/fhir/Observation/{going}");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal([kept], await IdsAsync(search));
        Assert.Equal([updatedAway], await IdsAsync($"Patient?_tag={_unique}&_has:Observation:subject:code=http://loinc.org|70274-6"));
    }

    [Fact]
    public async Task Include_WithIterate_AddsReferencedResources()
    {
        var organization = await CreateAsync(new JsonObject { ["resourceType"] = "Organization", ["name"] = "Clinic" });
        var patient = await CreateAsync(Patient(organization: $"Organization/{organization}"));
        var observation = await CreateAsync(Observation(subject: $"Patient/{patient}"));

        var bundle = await SearchAsync($"Observation?_id={observation}&_include=Observation:subject&_include:iterate=Patient:organization");
        var revinclude = await SearchAsync($"Patient?_id={patient}&_revinclude=Observation:subject");

        Assert.Equal([observation], Entries(bundle, "match"));
        Assert.Equal([patient, organization], Entries(bundle, "include"));
        Assert.Equal([observation], Entries(revinclude, "include"));
    }

    [Fact]
    public async Task Paging_WhileAnotherClientInserts_ReturnsEveryResourceOnce()
    {
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await CreateAsync(Patient()));
        }

        var seen = new List<string>();
        var bundle = await SearchAsync($"Patient?_tag={_unique}&_count=2");
        created.Add(await CreateAsync(Patient())); // written between page 1 and page 2
        while (true)
        {
            seen.AddRange(Entries(bundle, "match"));
            var next = bundle["link"]!.AsArray().FirstOrDefault(l => (string?)l!["relation"] == "next");
            if (next is null)
            {
                break;
            }

            bundle = await SearchAsync(new Uri((string)next["url"]!).PathAndQuery["/fhir/".Length..]);
        }

        Assert.Equal(created, seen);
    }

    [Fact]
    public async Task Paging_Sorted_PreviousLinkReturnsTheEarlierPage()
    {
        for (var year = 1990; year < 1995; year++)
        {
            await CreateAsync(Patient(birthDate: $"{year}-06-01"));
        }

        var first = await SearchAsync($"Patient?_tag={_unique}&_sort=-birthdate&_count=2");
        var second = await SearchAsync(Link(first, "next"));
        var back = await SearchAsync(Link(second, "previous"));

        Assert.Equal(Entries(first, "match"), Entries(back, "match"));
        Assert.Equal(2, Entries(second, "match").Count);
        Assert.Empty(Entries(first, "match").Intersect(Entries(second, "match")));
    }

    [Fact]
    public async Task Sort_ByDate_PagesFollowEachResourcesKey_TiesByCreation_WithoutValueLast_AndPreviousPagesMatch()
    {
        // Descending sorts on a resource's latest date, ascending on its earliest (search.html#sort).
        var spread = await CreateAsync(Goal("active", "2020-01-01", "2025-01-01"));
        var tieFirst = await CreateAsync(Goal("active", "2022-01-01"));
        var tieSecond = await CreateAsync(Goal("active", "2022-01-01"));
        var tieThird = await CreateAsync(Goal("active", "2022-01-01"));
        var undated = await CreateAsync(Goal("active"));
        await CreateAsync(Goal("proposed", "2023-01-01"));
        var oldest = await CreateAsync(Goal("active", "2019-01-01"));
        var undatedToo = await CreateAsync(Goal("active"));
        var undatedLast = await CreateAsync(Goal("active"));

        var query = $"Goal?_tag={_unique}&lifecycle-status=active&_count=2";
        Assert.Equal([spread, tieFirst, tieSecond, tieThird, oldest, undated, undatedToo, undatedLast], await EveryPageAsync(query + "&_sort=-target-date"));
        Assert.Equal([oldest, spread, tieFirst, tieSecond, tieThird, undated, undatedToo, undatedLast], await EveryPageAsync(query + "&_sort=target-date"));

        // Sparse matches: the walk of one row per match (Search:DateSortWalk in tests) finds one of the
        // two, and the rest of the page is ranked after the last row walked, in the same order.
        Assert.Equal([spread, oldest], await EveryPageAsync($"Goal?_tag={_unique}&target-date=le2020-01-01&_sort=-target-date&_count=1"));
    }

    /// <summary>
    /// The matches of every page, following <c>next</c> links; on the way back, each <c>previous</c>
    /// page must be the one seen before it, and the first page's <c>next</c> link, made on the way
    /// back, must lead to the second page again.
    /// </summary>
    private async Task<List<string>> EveryPageAsync(string relative)
    {
        var pages = new List<List<string>>();
        var bundle = await SearchAsync(relative);
        while (true)
        {
            pages.Add(Entries(bundle, "match"));
            if (!bundle["link"]!.AsArray().Any(l => (string?)l!["relation"] == "next"))
            {
                break;
            }

            bundle = await SearchAsync(Link(bundle, "next"));
        }

        for (var i = pages.Count - 2; i >= 0; i--)
        {
            bundle = await SearchAsync(Link(bundle, "previous"));
            Assert.Equal(pages[i], Entries(bundle, "match"));
        }

        if (pages.Count > 1)
        {
            Assert.Equal(pages[1], Entries(await SearchAsync(Link(bundle, "next")), "match"));
        }

        return [.. pages.SelectMany(p => p)];
    }

    [Fact]
    public async Task UnknownParameter_Lenient_IsReportedAndLeftOutOfSelf()
    {
        var id = await CreateAsync(Patient());

        var bundle = await SearchAsync($"Patient?_tag={_unique}&shoe-size=42");

        Assert.Equal([id], Entries(bundle, "match"));
        Assert.Single(bundle["entry"]!.AsArray(), e => (string?)e!["search"]!["mode"] == "outcome");
        Assert.DoesNotContain("shoe-size", Link(bundle, "self"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownParameter_Strict_Returns400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/fhir/Patient?shoe-size=42");
        request.Headers.Add("Prefer", "handling=strict");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("shoe-size", (string?)(await response.SingleIssueAsync())["expression"]![0]);
    }

    [Fact]
    public async Task BadValue_Returns400NamingTheParameter()
    {
        using var response = await _client.GetAsync("/fhir/Patient?birthdate=yesterday");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("birthdate", (string?)(await response.SingleIssueAsync())["expression"]![0]);
    }

    [Theory]
    [InlineData("code-value-quantity=http://loinc.org|29463-7")]
    [InlineData("code-value-quantity=http://loinc.org|29463-7$heavy")]
    [InlineData("code-value-date=http://loinc.org|29463-7$yesterday")]
    public async Task BadCompositeValue_Returns400NamingTheParameter_EvenWhenNoPageIsRead(string criterion)
    {
        // _count=0 reads no page: the value is refused when the search is parsed, not when a statement is built.
        var parameter = criterion[..criterion.IndexOf('=', StringComparison.Ordinal)];
        using var response = await _client.GetAsync($"/fhir/Observation?{criterion}&_count=0");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(parameter, (string?)(await response.SingleIssueAsync())["expression"]![0]);
    }

    [Fact]
    public async Task PostSearch_WithForm_MatchesLikeGet()
    {
        var id = await CreateAsync(Patient(gender: "other"));

        using var response = await _client.PostAsync("/fhir/Patient/_search", new FormUrlEncodedContent([new("_tag", _unique), new("gender", "other")]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([id], Entries(await response.BodyAsync(), "match"));
    }

    [Fact]
    public async Task SystemSearch_WithTypes_AndTotal()
    {
        var patient = await CreateAsync(Patient());
        var observation = await CreateAsync(Observation());

        var bundle = await SearchAsync($"?_type=Patient,Observation&_tag={_unique}&_total=accurate");

        Assert.Equal(2, (int?)bundle["total"]);
        Assert.Equal([patient, observation], Entries(bundle, "match"));
    }

    [Fact]
    public async Task Elements_ApplyToEachResource_AndSummaryCountGivesOnlyTheTotal()
    {
        var id = await CreateAsync(Patient(family: $"Elements{_unique}", gender: "female", birthDate: "1970-01-01"));

        var elements = await SearchAsync($"Patient?_tag={_unique}&_elements=gender");
        var count = await SearchAsync($"Patient?_tag={_unique}&_summary=count");

        var resource = elements["entry"]![0]!["resource"]!.AsObject();
        Assert.Equal(id, (string?)resource["id"]);
        Assert.Equal("female", (string?)resource["gender"]);
        Assert.Null(resource["birthDate"]);
        Assert.Null(resource["name"]);
        Assert.Equal(1, (int?)count["total"]);
        Assert.Null(count["entry"]);
    }

    [Fact]
    public async Task Search_InXml_ReturnsASearchsetBundle()
    {
        var id = await CreateAsync(Patient(gender: "male"));

        using var response = await _client.GetAsync($"/fhir/Patient?_tag={_unique}&_format=xml");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var xml = System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync());
        XNamespace fhir = "http://hl7.org/fhir";
        Assert.Equal("searchset", (string?)xml.Root!.Element(fhir + "type")!.Attribute("value"));
        Assert.Equal(id, (string?)xml.Descendants(fhir + "Patient").Single().Element(fhir + "id")!.Attribute("value"));
    }

    [Fact]
    public async Task Batch_SearchEntry_ReturnsTheSearchset()
    {
        var id = await CreateAsync(Patient());
        var batch = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "batch",
            ["entry"] = new JsonArray(new JsonObject { ["request"] = new JsonObject { ["method"] = "GET", ["url"] = $"Patient?_tag={_unique}" } }),
        };

        using var response = await _client.PostAsync("/fhir", Fhir.Json(batch));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var searchset = (await response.BodyAsync())["entry"]![0]!["resource"]!.AsObject();
        Assert.Equal([id], Entries(searchset, "match"));
    }

    [Fact]
    public async Task SystemSearch_WithoutTypes_TakesCommonParametersAndReportsOthers()
    {
        var patient = await CreateAsync(Patient());
        var observation = await CreateAsync(Observation());

        var bundle = await SearchAsync($"?_tag={_unique}&family=x&_sort=-_lastUpdated");

        Assert.Equal([observation, patient], Entries(bundle, "match"));
        Assert.Single(bundle["entry"]!.AsArray(), e => (string?)e!["search"]!["mode"] == "outcome");
    }

    [Fact]
    public async Task CompartmentSearch_ReturnsThePatientsObservations()
    {
        var patient = await CreateAsync(Patient());
        var observation = await CreateAsync(Observation(subject: $"Patient/{patient}"));
        await CreateAsync(Observation(subject: $"Patient/{await CreateAsync(Patient())}"));

        Assert.Equal([observation], Entries(await SearchAsync($"Patient/{patient}/Observation"), "match"));
    }

    [Fact]
    public async Task Update_ChangesWhatSearchFinds()
    {
        var id = await CreateAsync(Patient(family: $"Before{_unique}"));
        var updated = Patient(family: $"After{_unique}");
        updated["id"] = id;
        using var put = await _client.PutAsync($"/fhir/Patient/{id}", Fhir.Json(updated));
        using var delete = await _client.DeleteAsync($"/fhir/Patient/{await CreateAsync(Patient(family: $"After{_unique}"))}");

        Assert.Empty(await IdsAsync($"Patient?family=before{_unique}"));
        Assert.Equal([id], await IdsAsync($"Patient?family=after{_unique}"));
    }

    private JsonObject Patient(string? family = null, string? gender = null, string? birthDate = null, (string? System, string Value)? identifier = null, string? organization = null)
    {
        var patient = new JsonObject { ["resourceType"] = "Patient", ["meta"] = Tagged() };
        if (family is not null)
        {
            patient["name"] = new JsonArray(new JsonObject { ["family"] = family });
        }

        if (gender is not null)
        {
            patient["gender"] = gender;
        }

        if (birthDate is not null)
        {
            patient["birthDate"] = birthDate;
        }

        if (identifier is { } i)
        {
            var value = new JsonObject { ["value"] = i.Value };
            if (i.System is not null)
            {
                value["system"] = i.System;
            }

            patient["identifier"] = new JsonArray(value);
        }

        if (organization is not null)
        {
            patient["managingOrganization"] = new JsonObject { ["reference"] = organization };
        }

        return patient;
    }

    private JsonObject Observation(string? subject = null, string code = "44261-6", string? effective = null, (decimal Value, string Unit)? quantity = null)
    {
        var observation = new JsonObject
        {
            ["resourceType"] = "Observation",
            ["meta"] = Tagged(),
            ["status"] = "final",
            ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = code }) },
        };
        if (subject is not null)
        {
            observation["subject"] = new JsonObject { ["reference"] = subject };
        }

        if (effective is not null)
        {
            observation["effectiveDateTime"] = effective;
        }

        if (quantity is { } q)
        {
            observation["valueQuantity"] = new JsonObject { ["value"] = q.Value, ["unit"] = q.Unit, ["system"] = "http://unitsofmeasure.org", ["code"] = q.Unit };
        }

        return observation;
    }

    private JsonObject Goal(string lifecycleStatus, params string[] dueDates)
    {
        var goal = new JsonObject
        {
            ["resourceType"] = "Goal",
            ["meta"] = Tagged(),
            ["lifecycleStatus"] = lifecycleStatus,
            ["description"] = new JsonObject { ["text"] = "Sleep through the night" },
            ["subject"] = new JsonObject { ["display"] = "A client" },
        };
        if (dueDates.Length > 0)
        {
            goal["target"] = new JsonArray([.. dueDates.Select(d => (JsonNode)new JsonObject { ["dueDate"] = d })]);
        }

        return goal;
    }

    private JsonObject Tagged() => new() { ["tag"] = new JsonArray(new JsonObject { ["system"] = "http://example.org/test-run", ["code"] = _unique }) };

    private Task<string> CreateAsync(JsonObject resource) => _client.CreateAsync(resource);

    private async Task<JsonObject> SearchAsync(string relative)
    {
        using var response = await _client.GetAsync("/fhir/" + relative);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bundle = await response.BodyAsync();
        Assert.Equal("searchset", (string?)bundle["type"]);
        return bundle;
    }

    private async Task<List<string>> IdsAsync(string relative) => Entries(await SearchAsync(relative), "match");

    private static List<string> Entries(JsonObject bundle, string mode) =>
        (bundle["entry"]?.AsArray() ?? [])
            .Where(e => (string?)e!["search"]!["mode"] == mode)
            .Select(e => (string)e!["resource"]!["id"]!)
            .ToList();

    private static string Link(JsonObject bundle, string relation)
    {
        var url = (string)bundle["link"]!.AsArray().Single(l => (string?)l!["relation"] == relation)!["url"]!;
        return new Uri(url).PathAndQuery["/fhir/".Length..];
    }
}

public sealed class SqliteSearchTests(SqliteFixture fixture) : SearchTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresSearchTests(PostgresFixture fixture) : SearchTests(fixture), IClassFixture<PostgresFixture>;
