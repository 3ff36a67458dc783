using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// IHE PDQm Mobile Patient Demographics Query [ITI-78] (PDQm 3.x,
/// https://profiles.ihe.net/ITI/PDQm/ITI-78.html): every search parameter of section
/// 2:3.78.4.1.2.1, the <c>:exact</c> modifier on the string ones (2:3.78.4.1.2.2), AND and OR,
/// the required combinations and POST-based search. Every test makes its own patients under a
/// unique tag and values that contain the tag, and asserts on the ids it made.
/// </summary>
public abstract class PdqmSearchTests(StorageFixture fixture)
{
    private const string MaidenNameExtension = "http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName";
    private const string LocalDomain = "urn:oid:1.2.3.4";
    private const string SsnDomain = "urn:oid:2.16.840.1.113883.4.1";

    private readonly HttpClient _client = fixture.CreateClient();
    private readonly string _unique = Guid.NewGuid().ToString("N")[..10];

    /// <summary>
    /// The values in the string theories are templates: {0} is this test's unique text, {1} the
    /// same in upper case, {2} its first six characters (a prefix) and {3} characters 2 to 8.
    /// </summary>
    private string Fill(string template) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, template, _unique, _unique.ToUpperInvariant(), _unique[..6], _unique[2..8]);

    [Fact]
    public async Task Id_OneOrSeveral_MatchesThoseResources()
    {
        var first = await CreateAsync(Patient());
        var second = await CreateAsync(Patient());
        await CreateAsync(Patient());

        Assert.Equal([first], await IdsAsync($"Patient?_id={first}"));
        Assert.Equal([first, second], await IdsAsync($"Patient?_id={first},{second}"));
        Assert.Empty(await IdsAsync($"Patient?_id={first}x"));
    }

    [Fact]
    public async Task Active_TrueOrFalse_MatchesTheFlag()
    {
        var active = await CreateAsync(Patient(active: true));
        var inactive = await CreateAsync(Patient(active: false));
        await CreateAsync(Patient());

        Assert.Equal([active], await IdsAsync($"Patient?_tag={_unique}&active=true"));
        Assert.Equal([inactive], await IdsAsync($"Patient?_tag={_unique}&active=false"));
    }

    // Default string matching is a case- and accent-insensitive prefix match; :exact is the whole
    // value, case and accents included; :contains is anywhere, like the default (search.html#string).
    [Theory]
    [InlineData("family", "MULLER{1}", true)]
    [InlineData("family", "müller{2}", true)]
    [InlineData("family", "{3}", false)]
    [InlineData("family:contains", "LLER{2}", true)]
    [InlineData("family:exact", "Müller{0}", true)]
    [InlineData("family:exact", "Muller{0}", false)]
    [InlineData("family:exact", "müller{0}", false)]
    [InlineData("family:exact", "Müller{2}", false)]
    [InlineData("family:exact", "Zoë{0}", false)]
    public async Task Family_DefaultExactAndContains_MatchAsSpecified(string parameter, string value, bool isMatch)
    {
        var (id, ids) = await SearchPdqmPatientAsync(parameter, value);

        Assert.Equal(isMatch ? [id] : [], ids);
    }

    [Theory]
    [InlineData("given", "ZOE{1}", true)]
    [InlineData("given", "anne-{2}", true)]
    [InlineData("given", "müller{0}", false)]
    [InlineData("given:contains", "OE{2}", true)]
    [InlineData("given:exact", "Zoë{0}", true)]
    [InlineData("given:exact", "Anne-{0}", true)]
    [InlineData("given:exact", "zoë{0}", false)]
    [InlineData("given:exact", "Zoe{0}", false)]
    public async Task Given_DefaultExactAndContains_MatchAsSpecified(string parameter, string value, bool isMatch)
    {
        var (id, ids) = await SearchPdqmPatientAsync(parameter, value);

        Assert.Equal(isMatch ? [id] : [], ids);
    }

    // address matches any part of an Address (search.html#string: line, city, district, state,
    // postalCode, country and text).
    [Theory]
    [InlineData("address", "{0} baker", true)]
    [InlineData("address", "GENEVE{1}", true)]
    [InlineData("address", "quebec{2}", true)]
    [InlineData("address", "h2x{0}", true)]
    [InlineData("address", "espana{0}", true)]
    [InlineData("address", "baker", false)]
    [InlineData("address:contains", "BAKER STR", true)]
    [InlineData("address:exact", "Genève{0}", true)]
    [InlineData("address:exact", "{0} Baker Street", true)]
    [InlineData("address:exact", "geneve{0}", false)]
    public async Task Address_AnyPart_MatchesAsSpecified(string parameter, string value, bool isMatch)
    {
        var (id, ids) = await SearchPdqmPatientAsync(parameter, value);

        Assert.Equal(isMatch ? [id] : [], ids);
    }

    [Theory]
    [InlineData("address-city", "GENEVE{1}", true)]
    [InlineData("address-city", "genève{2}", true)]
    [InlineData("address-city", "quebec{0}", false)]
    [InlineData("address-city:exact", "Genève{0}", true)]
    [InlineData("address-city:exact", "GENÈVE{1}", false)]
    [InlineData("address-state", "QUEBEC{1}", true)]
    [InlineData("address-state", "geneve{0}", false)]
    [InlineData("address-state:exact", "Québec{0}", true)]
    [InlineData("address-state:exact", "Quebec{0}", false)]
    [InlineData("address-postalcode", "h2x{2}", true)]
    [InlineData("address-postalcode", "h2x{0}", true)]
    [InlineData("address-postalcode:exact", "H2X{0}", true)]
    [InlineData("address-postalcode:exact", "h2x{0}", false)]
    [InlineData("address-country", "ESPANA{1}", true)]
    [InlineData("address-country", "genève{0}", false)]
    [InlineData("address-country:exact", "España{0}", true)]
    [InlineData("address-country:exact", "ESPAÑA{1}", false)]
    public async Task AddressPart_MatchesOnlyThatPart(string parameter, string value, bool isMatch)
    {
        var (id, ids) = await SearchPdqmPatientAsync(parameter, value);

        Assert.Equal(isMatch ? [id] : [], ids);
    }

    // mothersMaidenName: http://hl7.org/fhir/SearchParameter/patient-extensions-Patient-mothersMaidenName,
    // a string parameter over the value of the patient-mothersMaidenName extension.
    [Theory]
    [InlineData("mothersMaidenName", "NUNEZ{1}", true)]
    [InlineData("mothersMaidenName", "núñez{2}", true)]
    [InlineData("mothersMaidenName", "müller{0}", false)]
    [InlineData("mothersMaidenName:contains", "UNEZ{2}", true)]
    [InlineData("mothersMaidenName:exact", "Núñez{0}", true)]
    [InlineData("mothersMaidenName:exact", "Nunez{0}", false)]
    [InlineData("mothersMaidenName:exact", "núñez{0}", false)]
    public async Task MothersMaidenName_DefaultExactAndContains_MatchAsSpecified(string parameter, string value, bool isMatch)
    {
        var (id, ids) = await SearchPdqmPatientAsync(parameter, value);

        Assert.Equal(isMatch ? [id] : [], ids);
    }

    [Fact]
    public async Task MothersMaidenName_IsKnownWithoutAStoredSearchParameter()
    {
        var id = await CreateAsync(PdqmPatient());
        await CreateAsync(Patient(family: $"Núñez{_unique}"));

        // Strict handling refuses unknown parameters (search.html#errors): this one is the server's own.
        using var response = await _client.SendWithHeaderAsync(HttpMethod.Get, $"/fhir/Patient?mothersMaidenName=nunez{_unique}", null, "Prefer", "handling=strict");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([id], Entries(await response.BodyAsync(), "match"));
    }

    [Fact]
    public async Task Identifier_SystemValueAndDomain_MatchAsSpecified()
    {
        var both = await CreateAsync(Patient(identifiers: [(LocalDomain, $"MRN-{_unique}"), (SsnDomain, $"SSN-{_unique}")]));
        var local = await CreateAsync(Patient(identifiers: [(LocalDomain, $"MRN2-{_unique}")]));
        var otherDomain = await CreateAsync(Patient(identifiers: [("urn:oid:2.999.1", $"MRN-{_unique}")]));

        Assert.Equal([both], await IdsAsync($"Patient?identifier={LocalDomain}|MRN-{_unique}"));
        Assert.Equal([both, otherDomain], await IdsAsync($"Patient?identifier=MRN-{_unique}"));
        Assert.Empty(await IdsAsync($"Patient?identifier={SsnDomain}|MRN-{_unique}"));

        // Repeated: all must match (AND); comma-separated: any may match (OR).
        Assert.Equal([both], await IdsAsync($"Patient?identifier={LocalDomain}|MRN-{_unique}&identifier={SsnDomain}|SSN-{_unique}"));
        Assert.Empty(await IdsAsync($"Patient?identifier={LocalDomain}|MRN2-{_unique}&identifier={SsnDomain}|SSN-{_unique}"));
        Assert.Equal([both, local], await IdsAsync($"Patient?identifier={LocalDomain}|MRN-{_unique},{LocalDomain}|MRN2-{_unique}"));

        // A system alone restricts to a domain (ITI-78 2:3.78.4.1.2.3).
        Assert.Equal([both], await IdsAsync($"Patient?_tag={_unique}&identifier={SsnDomain}|"));
        Assert.Equal([both, local], await IdsAsync($"Patient?_tag={_unique}&identifier={LocalDomain}|"));
    }

    [Fact]
    public async Task Telecom_SystemAndValue_MatchesTheKindOfContactPoint()
    {
        var phone = $"+41 22 555 {_unique}";
        var email = $"{_unique}@example.org";
        var patient = await CreateAsync(Patient(telecom: [("phone", phone), ("email", email)]));
        var sms = await CreateAsync(Patient(telecom: [("sms", phone)]));

        Assert.Equal([patient], await IdsAsync($"Patient?telecom={Escape($"phone|{phone}")}"));
        Assert.Equal([sms], await IdsAsync($"Patient?telecom={Escape($"sms|{phone}")}"));
        Assert.Equal([patient, sms], await IdsAsync($"Patient?telecom={Escape(phone)}"));
        Assert.Equal([patient], await IdsAsync($"Patient?telecom={Escape($"email|{email}")}"));
        Assert.Empty(await IdsAsync($"Patient?telecom={Escape($"phone|{email}")}"));
        Assert.Empty(await IdsAsync($"Patient?telecom={Escape($"|{phone}")}"));
    }

    [Fact]
    public async Task Birthdate_DayYearAndRange_Match()
    {
        var older = await CreateAsync(Patient(birthDate: "1984-03-02"));
        var younger = await CreateAsync(Patient(birthDate: "1990-07-15"));

        Assert.Equal([older], await IdsAsync($"Patient?_tag={_unique}&birthdate=1984-03-02"));
        Assert.Equal([older], await IdsAsync($"Patient?_tag={_unique}&birthdate=1984"));
        Assert.Empty(await IdsAsync($"Patient?_tag={_unique}&birthdate=1984-03-03"));
        Assert.Equal([younger], await IdsAsync($"Patient?_tag={_unique}&birthdate=ge1985&birthdate=le1990-12-31"));
        Assert.Equal([older, younger], await IdsAsync($"Patient?_tag={_unique}&birthdate=1984-03-02,1990-07-15"));
    }

    [Fact]
    public async Task Gender_AdministrativeGenderCode_Matches()
    {
        var female = await CreateAsync(Patient(gender: "female"));
        var male = await CreateAsync(Patient(gender: "male"));
        var unknown = await CreateAsync(Patient(gender: "unknown"));

        Assert.Equal([female], await IdsAsync($"Patient?_tag={_unique}&gender=female"));
        Assert.Equal([male, unknown], await IdsAsync($"Patient?_tag={_unique}&gender=male,unknown"));
        Assert.Empty(await IdsAsync($"Patient?_tag={_unique}&gender=other"));
    }

    [Fact]
    public async Task PostSearch_WithForm_MatchesLikeGet()
    {
        var id = await CreateAsync(PdqmPatient());
        await CreateAsync(Patient(family: $"Müller{_unique}", gender: "female"));
        var form = new FormUrlEncodedContent(
        [
            new("_tag", _unique),
            new("family:exact", $"Müller{_unique}"),
            new("given", $"zoe{_unique}"),
            new("mothersMaidenName", $"nunez{_unique}"),
            new("telecom", $"phone|+41 22 555 {_unique}"),
            new("identifier", $"{LocalDomain}|MRN-{_unique}"),
        ]);

        using var response = await _client.PostAsync("/fhir/Patient/_search", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([id], Entries(await response.BodyAsync(), "match"));
    }

    // ITI-78 2:3.78.4.1.2.1.1: family and gender, birthdate and family; and the example query
    // family=MOHR&given=ALICE&active=true&gender=female. Each other patient misses one criterion.
    [Fact]
    public async Task Combined_RequiredCombinations_MatchOnlyPatientsMeetingAll()
    {
        var family = $"Mohr{_unique}";
        var match = await CreateAsync(Patient(family: family, given: ["Alice"], gender: "female", birthDate: "1970-01-01", active: true));
        var male = await CreateAsync(Patient(family: family, given: ["Alice"], gender: "male", birthDate: "1970-01-01", active: true));
        var bornLater = await CreateAsync(Patient(family: family, given: ["Alice"], gender: "female", birthDate: "1971-01-01", active: true));
        var inactive = await CreateAsync(Patient(family: family, given: ["Alice"], gender: "female", birthDate: "1970-01-01", active: false));
        var otherGiven = await CreateAsync(Patient(family: family, given: ["Alicia", "Bea"], gender: "female", birthDate: "1970-01-01", active: true));

        Assert.Equal([match, bornLater, inactive, otherGiven], await IdsAsync($"Patient?family=MOHR{_unique}&gender=female"));
        Assert.Equal([match, male, inactive, otherGiven], await IdsAsync($"Patient?birthdate=1970-01-01&family=mohr{_unique}"));
        Assert.Equal([match], await IdsAsync($"Patient?family=MOHR{_unique}&given=ALICE&active=true&gender=female&birthdate=1970"));
        Assert.Equal([otherGiven], await IdsAsync($"Patient?family=MOHR{_unique}&given:exact=Alicia&given=bea"));
        Assert.Equal([male, otherGiven], await IdsAsync($"Patient?family=MOHR{_unique}&given=bea,al&gender=male,female&_id={male},{otherGiven}"));
    }

    [Fact]
    public async Task CapabilityStatement_ListsEveryPdqmParameterOfPatient()
    {
        using var response = await _client.GetAsync("/fhir/metadata");

        var patient = (await response.BodyAsync())["rest"]![0]!["resource"]!.AsArray().Single(r => (string?)r!["type"] == "Patient")!;
        var parameters = patient["searchParam"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => p!.AsObject());
        string[] required =
        [
            "_id", "active", "family", "given", "identifier", "telecom", "birthdate", "address", "address-city",
            "address-country", "address-postalcode", "address-state", "gender", "mothersMaidenName",
        ];
        Assert.All(required, code => Assert.Contains(code, parameters.Keys));
        var maidenName = parameters["mothersMaidenName"];
        Assert.Equal("http://hl7.org/fhir/SearchParameter/patient-extensions-Patient-mothersMaidenName", (string?)maidenName["definition"]);
        Assert.Equal("string", (string?)maidenName["type"]);
    }

    /// <summary>
    /// Makes a <see cref="PdqmPatient"/> and a patient with no demographics under the same tag, and
    /// searches the tag with one parameter: a parameter the server ignored would return both.
    /// </summary>
    private async Task<(string Id, List<string> Ids)> SearchPdqmPatientAsync(string parameter, string value)
    {
        var id = await CreateAsync(PdqmPatient());
        await CreateAsync(Patient());
        return (id, await IdsAsync($"Patient?_tag={_unique}&{parameter}={Escape(Fill(value))}"));
    }

    /// <summary>A patient with every demographic element ITI-78 searches, each value holding the unique text.</summary>
    private JsonObject PdqmPatient()
    {
        var patient = Patient(
            family: $"Müller{_unique}",
            given: [$"Zoë{_unique}", $"Anne-{_unique}"],
            gender: "female",
            birthDate: "1984-03-02",
            active: true,
            identifiers: [(LocalDomain, $"MRN-{_unique}")],
            telecom: [("phone", $"+41 22 555 {_unique}")]);
        patient["address"] = new JsonArray(new JsonObject
        {
            ["line"] = new JsonArray($"{_unique} Baker Street"),
            ["city"] = $"Genève{_unique}",
            ["state"] = $"Québec{_unique}",
            ["postalCode"] = $"H2X{_unique}",
            ["country"] = $"España{_unique}",
        });
        patient["extension"] = new JsonArray(new JsonObject { ["url"] = MaidenNameExtension, ["valueString"] = $"Núñez{_unique}" });
        return patient;
    }

    private JsonObject Patient(
        string? family = null,
        string[]? given = null,
        string? gender = null,
        string? birthDate = null,
        bool? active = null,
        (string System, string Value)[]? identifiers = null,
        (string System, string Value)[]? telecom = null)
    {
        var patient = new JsonObject { ["resourceType"] = "Patient", ["meta"] = Tagged() };
        if (family is not null || given is not null)
        {
            var name = new JsonObject();
            if (family is not null)
            {
                name["family"] = family;
            }

            if (given is not null)
            {
                name["given"] = new JsonArray(given.Select(g => (JsonNode?)JsonValue.Create(g)).ToArray());
            }

            patient["name"] = new JsonArray(name);
        }

        if (gender is not null)
        {
            patient["gender"] = gender;
        }

        if (birthDate is not null)
        {
            patient["birthDate"] = birthDate;
        }

        if (active is not null)
        {
            patient["active"] = active;
        }

        if (identifiers is not null)
        {
            patient["identifier"] = new JsonArray(identifiers.Select(i => (JsonNode?)new JsonObject { ["system"] = i.System, ["value"] = i.Value }).ToArray());
        }

        if (telecom is not null)
        {
            patient["telecom"] = new JsonArray(telecom.Select(t => (JsonNode?)new JsonObject { ["system"] = t.System, ["value"] = t.Value }).ToArray());
        }

        return patient;
    }

    private JsonObject Tagged() => new() { ["tag"] = new JsonArray(new JsonObject { ["system"] = "http://example.org/test-run", ["code"] = _unique }) };

    private static string Escape(string value) => Uri.EscapeDataString(value);

    private async Task<string> CreateAsync(JsonObject resource)
    {
        using var response = await _client.PostAsync("/fhir/Patient", Fhir.Json(resource));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.BodyAsync()).Id();
    }

    private async Task<List<string>> IdsAsync(string relative)
    {
        using var response = await _client.GetAsync("/fhir/" + relative);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bundle = await response.BodyAsync();
        Assert.Equal("searchset", (string?)bundle["type"]);
        return Entries(bundle, "match");
    }

    private static List<string> Entries(JsonObject bundle, string mode) =>
        (bundle["entry"]?.AsArray() ?? [])
            .Where(e => (string?)e!["search"]!["mode"] == mode)
            .Select(e => (string)e!["resource"]!["id"]!)
            .ToList();
}

public sealed class SqlitePdqmSearchTests(SqliteFixture fixture) : PdqmSearchTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresPdqmSearchTests(PostgresFixture fixture) : PdqmSearchTests(fixture), IClassFixture<PostgresFixture>;
