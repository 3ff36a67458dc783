using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// IHE mCSD Find Matching Care Services [ITI-90] (https://profiles.ihe.net/ITI/mCSD/ITI-90.html):
/// every search parameter and include the Directory supports on Organization, Location,
/// Practitioner, PractitionerRole, HealthcareService, Endpoint and OrganizationAffiliation, each
/// matched as its R4 SearchParameter definition and search.html say. Location <c>near</c> is in
/// <see cref="DirectorySearchTests"/>. Every test tags what it creates, searches under its tag with
/// strict handling (an unknown parameter is a 400, not ignored) and asserts on the ids it made;
/// beside each resource that must match is one that must not, so an ignored parameter fails.
/// </summary>
public abstract class Iti90SearchTests(StorageFixture fixture)
{
    private const string TagSystem = "http://example.org/test-run";
    private const string Licence = "https://fhirmh.org/fhir/sid/licence";
    private const string OtherRegister = "urn:oid:1.2.3.4.5";
    private const string CodesA = "https://example.org/fhir/CodeSystem/a";
    private const string CodesB = "https://example.org/fhir/CodeSystem/b";

    private readonly HttpClient _client = fixture.CreateClient();
    private readonly string _unique = Guid.NewGuid().ToString("N")[..10];

    private string Tag => $"_tag={TagSystem}|{_unique}";

    /// <summary>
    /// The name theories: ITI-90 requires name, name:contains and name:exact on each type, and
    /// the same cases hold for all three whose name is a plain string.
    /// </summary>
    public static TheoryData<string, string, string, bool> NameCases
    {
        get
        {
            var data = new TheoryData<string, string, string, bool>();
            foreach (var type in new[] { "Organization", "Location", "HealthcareService" })
            {
                data.Add(type, "name", "MULLER{1}", true);
                data.Add(type, "name", "müller{2}", true);
                data.Add(type, "name", "{0}", false);
                data.Add(type, "name:contains", "LLER{2}", true);
                data.Add(type, "name:contains", "{0} SANTE", true);
                data.Add(type, "name:exact", "Müller{0} Santé", true);
                data.Add(type, "name:exact", "müller{0} santé", false);
                data.Add(type, "name:exact", "Müller{0}", false);
            }

            return data;
        }
    }

    [Theory]
    [InlineData("Organization")]
    [InlineData("Location")]
    [InlineData("Practitioner")]
    [InlineData("PractitionerRole")]
    [InlineData("HealthcareService")]
    public async Task Id_OneOrSeveral_MatchesThoseResources(string type)
    {
        var first = await CreateAsync(type, Minimal(type));
        var second = await CreateAsync(type, Minimal(type));
        await CreateAsync(type, Minimal(type));

        Assert.Equal([first], await IdsAsync($"{type}?_id={first}"));
        Assert.Equal([first, second], await IdsAsync($"{type}?_id={first},{second}"));
        Assert.Empty(await IdsAsync($"{type}?_id={first}x"));
    }

    // _lastUpdated is an instant, a point; the search value stands for the range of its precision
    // (search.html#date). ITI-90 requires gt, lt, ge and le. Searching around the stored values
    // themselves needs no waiting.
    [Theory]
    [InlineData("Organization")]
    [InlineData("Location")]
    [InlineData("Practitioner")]
    [InlineData("PractitionerRole")]
    [InlineData("HealthcareService")]
    public async Task LastUpdated_EachPrefix_MatchesAroundTheStoredInstants(string type)
    {
        var earlier = await StoreAsync(type, Minimal(type));
        var later = await StoreAsync(type, Minimal(type));
        var (first, second) = (LastUpdated(earlier), LastUpdated(later));
        Assert.True(
            DateTimeOffset.Parse(first, CultureInfo.InvariantCulture) < DateTimeOffset.Parse(second, CultureInfo.InvariantCulture),
            $"{first} is not before {second}");
        var search = $"{type}?{Tag}&_lastUpdated=";

        Assert.Equal([earlier.Id()], await IdsAsync(search + Escape(first)));
        Assert.Equal([later.Id()], await IdsAsync(search + Escape("gt" + first)));
        Assert.Equal([earlier.Id()], await IdsAsync(search + Escape("lt" + second)));
        Assert.Equal([later.Id()], await IdsAsync(search + Escape("ge" + second)));
        Assert.Equal([earlier.Id()], await IdsAsync(search + Escape("le" + first)));
        Assert.Equal([earlier.Id(), later.Id()], await IdsAsync(search + Escape("ge" + first) + "&_lastUpdated=" + Escape("le" + second)));
        Assert.Empty(await IdsAsync(search + Escape("gt" + second)));
        Assert.Empty(await IdsAsync(search + Escape("lt" + first)));

        // A point starts after or ends before a range exactly when it is above or below it.
        Assert.Equal([later.Id()], await IdsAsync(search + Escape("sa" + first)));
        Assert.Equal([earlier.Id()], await IdsAsync(search + Escape("eb" + second)));
    }

    [Theory]
    [InlineData("Organization")]
    [InlineData("Practitioner")]
    [InlineData("PractitionerRole")]
    [InlineData("HealthcareService")]
    [InlineData("OrganizationAffiliation")]
    public async Task Active_TrueOrFalse_MatchesTheFlag(string type)
    {
        var active = await CreateAsync(type, With(Minimal(type), "active", true));
        var inactive = await CreateAsync(type, With(Minimal(type), "active", false));
        await CreateAsync(type, Minimal(type));

        Assert.Equal([active], await IdsAsync($"{type}?{Tag}&active=true"));
        Assert.Equal([inactive], await IdsAsync($"{type}?{Tag}&active=false"));
    }

    // Token on an Identifier (search.html#token): system|value, value in any system, system| for
    // any value in it, |value only where the identifier has no system.
    [Theory]
    [InlineData("Organization")]
    [InlineData("Location")]
    [InlineData("Practitioner")]
    [InlineData("HealthcareService")]
    [InlineData("Endpoint")]
    [InlineData("OrganizationAffiliation")]
    public async Task Identifier_SystemAndValue_MatchesOnlyThatIdentifier(string type)
    {
        var licensed = await CreateAsync(type, With(Minimal(type), "identifier", Identifier(Licence, $"A-{_unique}")));
        var registered = await CreateAsync(type, With(Minimal(type), "identifier", Identifier(OtherRegister, $"A-{_unique}")));
        var secondLicence = await CreateAsync(type, With(Minimal(type), "identifier", Identifier(Licence, $"B-{_unique}")));

        Assert.Equal([licensed], await IdsAsync($"{type}?identifier={Licence}|A-{_unique}"));
        Assert.Equal([licensed, registered], await IdsAsync($"{type}?identifier=A-{_unique}"));
        Assert.Equal([licensed, secondLicence], await IdsAsync($"{type}?{Tag}&identifier={Licence}|"));
        Assert.Equal([registered, secondLicence], await IdsAsync($"{type}?identifier={OtherRegister}|A-{_unique},{Licence}|B-{_unique}"));
        Assert.Empty(await IdsAsync($"{type}?identifier={OtherRegister}|B-{_unique}"));
        Assert.Empty(await IdsAsync($"{type}?identifier=|A-{_unique}"));
    }

    // The default matches the start of the value, ignoring case and accents; :contains matches
    // anywhere in it the same way; :exact is the whole value, case and accents included
    // (search.html#string). {0} is this test's unique text, {1} the same in upper case, {2} its
    // first six characters.
    [Theory]
    [MemberData(nameof(NameCases))]
    public async Task Name_DefaultContainsAndExact_MatchAsSpecified(string type, string parameter, string value, bool isMatch)
    {
        var id = await CreateAsync(type, Named(type, $"Müller{_unique} Santé"));
        await CreateAsync(type, Named(type, $"Zeta{_unique}"));

        Assert.Equal(isMatch ? [id] : [], await IdsAsync($"{type}?{Tag}&{parameter}={Escape(Fill(value))}"));
    }

    // R4 Organization-name is "Organization.name | Organization.alias", Location-name likewise.
    [Theory]
    [InlineData("Organization")]
    [InlineData("Location")]
    public async Task Name_OneOfTheAliases_Matches(string type)
    {
        var renamed = Named(type, $"Nouveau{_unique}");
        renamed["alias"] = new JsonArray($"Ancien{_unique}", $"Old{_unique}");
        var id = await CreateAsync(type, renamed);
        await CreateAsync(type, Named(type, $"Autre{_unique}"));

        Assert.Equal([id], await IdsAsync($"{type}?{Tag}&name=ANCIEN{_unique}"));
        Assert.Equal([id], await IdsAsync($"{type}?{Tag}&name:exact=Old{_unique}"));
        Assert.Empty(await IdsAsync($"{type}?{Tag}&name:exact=ancien{_unique}"));
    }

    // name is any part of a HumanName (family, given, prefix, suffix, text), given and family only
    // that part (search.html#string); the templates are as in the name theory.
    [Theory]
    [InlineData("name", "MULLER{1}", true)]
    [InlineData("name", "zoe{2}", true)]
    [InlineData("name", "dr zoe{0} m", true)]
    [InlineData("name", "PROF", true)]
    [InlineData("name", "phd", true)]
    [InlineData("name", "{0}", false)]
    [InlineData("name:contains", "OE{2}", true)]
    [InlineData("name:contains", "OE{0}X", false)]
    [InlineData("name:exact", "Zoë{0}", true)]
    [InlineData("name:exact", "Müller{0}", true)]
    [InlineData("name:exact", "müller{0}", false)]
    [InlineData("name:exact", "Zoë{2}", false)]
    [InlineData("given", "ZOË{1}", true)]
    [InlineData("given", "muller{0}", false)]
    [InlineData("family", "müller{2}", true)]
    [InlineData("family", "zoe{0}", false)]
    public async Task Practitioner_NameGivenAndFamily_MatchAsSpecified(string parameter, string value, bool isMatch)
    {
        var practitioner = HumanNamed($"Müller{_unique}", $"Zoë{_unique}");
        var name = practitioner["name"]![0]!;
        name["prefix"] = new JsonArray("Prof.");
        name["suffix"] = new JsonArray("PhD");
        name["text"] = $"Dr Zoë{_unique} Müller{_unique}";
        var id = await CreateAsync("Practitioner", practitioner);
        await CreateAsync("Practitioner", HumanNamed($"Zeta{_unique}", "Ada"));

        Assert.Equal(isMatch ? [id] : [], await IdsAsync($"Practitioner?{Tag}&{parameter}={Escape(Fill(value))}"));
    }

    // Reference parameters take Type/id or the bare id when the parameter has one target type
    // (search.html#reference); the element is the one the R4 SearchParameter's expression names.
    [Theory]
    [InlineData("Organization", "partof", "partOf", false, "Organization")]
    [InlineData("Location", "organization", "managingOrganization", false, "Organization")]
    [InlineData("Location", "partof", "partOf", false, "Location")]
    [InlineData("PractitionerRole", "location", "location", true, "Location")]
    [InlineData("PractitionerRole", "organization", "organization", false, "Organization")]
    [InlineData("PractitionerRole", "practitioner", "practitioner", false, "Practitioner")]
    [InlineData("PractitionerRole", "service", "healthcareService", true, "HealthcareService")]
    [InlineData("HealthcareService", "location", "location", true, "Location")]
    [InlineData("HealthcareService", "organization", "providedBy", false, "Organization")]
    [InlineData("Endpoint", "organization", "managingOrganization", false, "Organization")]
    [InlineData("OrganizationAffiliation", "primary-organization", "organization", false, "Organization")]
    [InlineData("OrganizationAffiliation", "participating-organization", "participatingOrganization", false, "Organization")]
    [InlineData("OrganizationAffiliation", "location", "location", true, "Location")]
    [InlineData("OrganizationAffiliation", "network", "network", true, "Organization")]
    public async Task Reference_TypedOrBareId_MatchesResourcesReferringToIt(string type, string parameter, string element, bool isList, string target)
    {
        var referred = await CreateAsync(target, Minimal(target));
        var other = await CreateAsync(target, Minimal(target));
        var unreferred = await CreateAsync(target, Minimal(target));
        var referring = await CreateAsync(type, With(Minimal(type), element, Reference($"{target}/{referred}", isList)));
        var referringOther = await CreateAsync(type, With(Minimal(type), element, Reference($"{target}/{other}", isList)));
        await CreateAsync(type, Minimal(type));
        var search = $"{type}?{Tag}&{parameter}=";

        Assert.Equal([referring], await IdsAsync($"{search}{target}/{referred}"));
        Assert.Equal([referring], await IdsAsync($"{search}{referred}"));
        Assert.Equal([referring, referringOther], await IdsAsync($"{search}{target}/{referred},{target}/{other}"));
        Assert.Empty(await IdsAsync($"{search}{target}/{unreferred}"));
    }

    // Token on a CodeableConcept (search.html#token): system|code, code in any system, |code only
    // for a coding without a system.
    [Theory]
    [InlineData("Organization", "type", "type")]
    [InlineData("Location", "type", "type")]
    [InlineData("PractitionerRole", "role", "code")]
    [InlineData("PractitionerRole", "specialty", "specialty")]
    [InlineData("HealthcareService", "service-category", "category")]
    [InlineData("HealthcareService", "service-type", "type")]
    [InlineData("HealthcareService", "specialty", "specialty")]
    [InlineData("OrganizationAffiliation", "role", "code")]
    [InlineData("OrganizationAffiliation", "specialty", "specialty")]
    public async Task Concept_SystemAndCode_MatchesOnlyThatCoding(string type, string parameter, string element)
    {
        var first = await CreateAsync(type, With(Minimal(type), element, Concept(CodesA, "x")));
        var sameCodeOtherSystem = await CreateAsync(type, With(Minimal(type), element, Concept(CodesB, "x")));
        var otherCode = await CreateAsync(type, With(Minimal(type), element, Concept(CodesA, "y")));
        await CreateAsync(type, Minimal(type));
        var search = $"{type}?{Tag}&{parameter}=";

        Assert.Equal([first], await IdsAsync($"{search}{CodesA}|x"));
        Assert.Equal([first, sameCodeOtherSystem], await IdsAsync($"{search}x"));
        Assert.Equal([sameCodeOtherSystem, otherCode], await IdsAsync($"{search}{CodesA}|y,{CodesB}|x"));
        Assert.Empty(await IdsAsync($"{search}{CodesB}|y"));
        Assert.Empty(await IdsAsync($"{search}|x"));
    }

    [Theory]
    [InlineData("Location", "active", "inactive", "suspended")]
    [InlineData("Endpoint", "active", "off", "error")]
    public async Task Status_Code_MatchesOnlyThatStatus(string type, string first, string second, string unused)
    {
        var firstId = await CreateAsync(type, With(Minimal(type), "status", first));
        var secondId = await CreateAsync(type, With(Minimal(type), "status", second));

        Assert.Equal([firstId], await IdsAsync($"{type}?{Tag}&status={first}"));
        Assert.Equal([secondId], await IdsAsync($"{type}?{Tag}&status={second}"));
        Assert.Equal([firstId, secondId], await IdsAsync($"{type}?{Tag}&status={first},{second}"));
        Assert.Empty(await IdsAsync($"{type}?{Tag}&status={unused}"));
    }

    // The period 2024-03-01 to 2024-09-30 is the range [2024-03-01, 2024-10-01). By
    // search.html#prefix: eq when the value's range contains the period; gt and lt when the
    // range above or below the value's range overlaps it; ge and le when either holds.
    [Theory]
    [InlineData("2024", true)]
    [InlineData("2024-06", false)]
    [InlineData("2023", false)]
    [InlineData("gt2024-09-29", true)]
    [InlineData("gt2024-09-30", false)]
    [InlineData("lt2024-03-02", true)]
    [InlineData("lt2024-03-01", false)]
    [InlineData("ge2024-06-15&date=le2024-06-15", true)]
    [InlineData("ge2024-10-01", false)]
    [InlineData("le2024-02-29", false)]
    public async Task OrganizationAffiliation_Date_MatchesThePeriodByPrefix(string value, bool isMatch)
    {
        var period = new JsonObject { ["start"] = "2024-03-01", ["end"] = "2024-09-30" };
        var id = await CreateAsync("OrganizationAffiliation", With(Minimal("OrganizationAffiliation"), "period", period));
        await CreateAsync("OrganizationAffiliation", Minimal("OrganizationAffiliation"));

        Assert.Equal(isMatch ? [id] : [], await IdsAsync($"OrganizationAffiliation?{Tag}&date={value}"));
    }

    [Fact]
    public async Task Organization_IncludeEndpoint_AddsTheEndpointsOfTheMatchesOnly()
    {
        var first = await CreateAsync("Endpoint", Minimal("Endpoint"));
        var second = await CreateAsync("Endpoint", Minimal("Endpoint"));
        var other = await CreateAsync("Endpoint", Minimal("Endpoint"));
        var endpoints = new JsonArray(new JsonObject { ["reference"] = $"Endpoint/{first}" }, new JsonObject { ["reference"] = $"Endpoint/{second}" });
        var organization = await CreateAsync("Organization", With(Minimal("Organization"), "endpoint", endpoints));
        await CreateAsync("Organization", With(Minimal("Organization"), "endpoint", Reference($"Endpoint/{other}", isList: true)));

        var bundle = await SearchAsync($"Organization?_id={organization}&_include=Organization:endpoint");

        Assert.Equal([organization], Ids(bundle, "match"));
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), Ids(bundle, "include").Order(StringComparer.Ordinal));
        Assert.Empty(Ids(await SearchAsync($"Organization?_id={organization}"), "include"));
    }

    [Fact]
    public async Task Organization_RevincludeLocation_AddsTheLocationsItManages()
    {
        var organization = await CreateAsync("Organization", Minimal("Organization"));
        var otherOrganization = await CreateAsync("Organization", Minimal("Organization"));
        var first = await CreateAsync("Location", With(Minimal("Location"), "managingOrganization", Reference($"Organization/{organization}", isList: false)));
        var second = await CreateAsync("Location", With(Minimal("Location"), "managingOrganization", Reference($"Organization/{organization}", isList: false)));
        await CreateAsync("Location", With(Minimal("Location"), "managingOrganization", Reference($"Organization/{otherOrganization}", isList: false)));

        var bundle = await SearchAsync($"Organization?_id={organization}&_revinclude=Location:organization");

        Assert.Equal([organization], Ids(bundle, "match"));
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), Ids(bundle, "include").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task PractitionerRole_IncludePractitioner_AddsEachMatchsPractitionerOnce()
    {
        var practitioner = await CreateAsync("Practitioner", Minimal("Practitioner"));
        var otherPractitioner = await CreateAsync("Practitioner", Minimal("Practitioner"));
        var role = await CreateAsync("PractitionerRole", With(Minimal("PractitionerRole"), "practitioner", Reference($"Practitioner/{practitioner}", isList: false)));
        var secondRole = await CreateAsync("PractitionerRole", With(Minimal("PractitionerRole"), "practitioner", Reference($"Practitioner/{practitioner}", isList: false)));
        await CreateAsync("PractitionerRole", With(Minimal("PractitionerRole"), "practitioner", Reference($"Practitioner/{otherPractitioner}", isList: false)));

        var bundle = await SearchAsync($"PractitionerRole?_id={role},{secondRole}&_include=PractitionerRole:practitioner");

        Assert.Equal([role, secondRole], Ids(bundle, "match"));
        Assert.Equal([practitioner], Ids(bundle, "include"));
    }

    private string Fill(string template) =>
        string.Format(CultureInfo.InvariantCulture, template, _unique, _unique.ToUpperInvariant(), _unique[..6]);

    /// <summary>A resource of the type with only what R4 requires of it (and a name where it has one).</summary>
    private JsonObject Minimal(string type) => type switch
    {
        "Organization" or "Location" or "HealthcareService" => Named(type, $"{type} {_unique}"),
        "Practitioner" => HumanNamed($"Practitioner{_unique}", "Ada"),
        "Endpoint" => new JsonObject
        {
            ["status"] = "active",
            ["connectionType"] = new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/endpoint-connection-type", ["code"] = "hl7-fhir-rest" },
            ["payloadType"] = Concept("http://terminology.hl7.org/CodeSystem/endpoint-payload-type", "any"),
            ["address"] = $"https://directory.example.org/fhir/{_unique}",
        },
        _ => new JsonObject(),
    };

    private static JsonObject Named(string type, string name) => type switch
    {
        "Organization" or "Location" or "HealthcareService" => new JsonObject { ["name"] = name },
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a type whose name is a string."),
    };

    private static JsonObject HumanNamed(string family, string given) => new()
    {
        ["name"] = new JsonArray(new JsonObject { ["family"] = family, ["given"] = new JsonArray(given) }),
    };

    private static JsonObject With(JsonObject resource, string element, JsonNode value)
    {
        resource[element] = value;
        return resource;
    }

    private static JsonArray Identifier(string system, string value) =>
        new(new JsonObject { ["system"] = system, ["value"] = value });

    private static JsonArray Concept(string system, string code) =>
        new(new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = system, ["code"] = code }) });

    private static JsonNode Reference(string reference, bool isList)
    {
        var node = new JsonObject { ["reference"] = reference };
        return isList ? new JsonArray(node) : node;
    }

    private static string LastUpdated(JsonObject resource) => (string)resource["meta"]!["lastUpdated"]!;

    private static string Escape(string value) => Uri.EscapeDataString(value);

    private async Task<string> CreateAsync(string type, JsonObject resource) => (await StoreAsync(type, resource)).Id();

    private async Task<JsonObject> StoreAsync(string type, JsonObject resource)
    {
        resource["resourceType"] = type;
        resource["meta"] = new JsonObject { ["tag"] = new JsonArray(new JsonObject { ["system"] = TagSystem, ["code"] = _unique }) };
        using var response = await _client.PostAsync($"/fhir/{type}", Fhir.Json(resource));
        var body = await response.BodyAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        return body;
    }

    private async Task<List<string>> IdsAsync(string relative) => Ids(await SearchAsync(relative), "match");

    /// <summary>Strict handling: a parameter the server does not know is a 400, not silently ignored (search.html#errors).</summary>
    private async Task<JsonObject> SearchAsync(string relative)
    {
        using var response = await _client.SendWithHeaderAsync(HttpMethod.Get, "/fhir/" + relative, body: null, "Prefer", "handling=strict");
        var body = await response.BodyAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{relative}: {body.ToJsonString()}");
        Assert.Equal("searchset", (string?)body["type"]);
        return body;
    }

    private static List<string> Ids(JsonObject bundle, string mode) =>
        (bundle["entry"]?.AsArray() ?? [])
            .Where(e => (string?)e!["search"]!["mode"] == mode)
            .Select(e => (string)e!["resource"]!["id"]!)
            .ToList();
}

public sealed class SqliteIti90SearchTests(SqliteFixture fixture) : Iti90SearchTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresIti90SearchTests(PostgresFixture fixture) : Iti90SearchTests(fixture), IClassFixture<PostgresFixture>;
