using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// The provider registry's directory profiles (profiles/StructureDefinition-mcsd-*.json, after
/// IHE mCSD): a resource that claims one in <c>meta.profile</c> and meets it is stored, and one
/// that breaks a rule of it is refused with 422 and an issue at the offending element.
/// </summary>
public abstract class DirectoryProfileTests(StorageFixture fixture)
{
    private const string Profiles = "https://fhirmh.org/fhir/StructureDefinition/";
    private const string ServiceCharacteristic = "https://fhirmh.org/fhir/CodeSystem/service-characteristic";

    private readonly HttpClient _client = fixture.CreateClient();

    [Theory]
    [InlineData("mcsd-organization", "Organization")]
    [InlineData("mcsd-location", "Location")]
    [InlineData("mcsd-practitioner", "Practitioner")]
    [InlineData("mcsd-practitionerrole", "PractitionerRole")]
    [InlineData("mcsd-healthcareservice", "HealthcareService")]
    [InlineData("mcsd-endpoint", "Endpoint")]
    [InlineData("mcsd-organizationaffiliation", "OrganizationAffiliation")]
    public async Task DirectoryProfile_IsStoredWithAGeneratedSnapshot(string id, string type)
    {
        using var response = await _client.GetAsync($"/fhir/StructureDefinition/{id}");
        var profile = await response.BodyAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Profiles + id, (string?)profile["url"]);
        var snapshot = profile["snapshot"]!["element"]!.AsArray();
        Assert.Equal(type, (string?)snapshot[0]!["path"]);
        Assert.True(snapshot.Count > profile["differential"]!["element"]!.AsArray().Count);
    }

    [Fact]
    public async Task Organization_Conforming_Is201()
    {
        var organization = Organization();
        organization["partOf"] = Reference("Organization/mental-health-trust");

        await AssertCreatedAsync(organization);
    }

    [Fact]
    public async Task Organization_WithoutIdentifier_Is422AtIdentifier()
    {
        var organization = Organization();
        organization.Remove("identifier");

        var issue = await SingleErrorAsync(organization);

        Assert.Equal("Organization.identifier", ValidationTests.Expression(issue));
    }

    [Fact]
    public async Task Organization_WithoutActive_Is422AtActive()
    {
        var organization = Organization();
        organization.Remove("active");

        var issue = await SingleErrorAsync(organization);

        Assert.Equal("Organization.active", ValidationTests.Expression(issue));
    }

    [Fact]
    public async Task Organization_WithoutName_Is422AtName()
    {
        var organization = Organization();
        organization.Remove("name");

        var issue = await SingleErrorAsync(organization);

        Assert.Equal("Organization.name", ValidationTests.Expression(issue));
    }

    [Fact]
    public async Task Organization_PartOfALocation_Is422AtPartOfNamingMcsdo1()
    {
        var organization = Organization();
        organization["partOf"] = Reference("Location/ward-3");

        var issue = await SingleErrorAsync(organization);

        Assert.Equal("Organization.partOf[0]", ValidationTests.Expression(issue));
        Assert.Contains("mcsdo-1", (string?)issue["diagnostics"]);
    }

    [Fact]
    public async Task Location_Conforming_Is201()
    {
        var location = Location(59.91, 10.75);
        location["managingOrganization"] = Reference("Organization/mental-health-trust");
        location["partOf"] = Reference("Location/main-site");

        await AssertCreatedAsync(location);
    }

    [Fact]
    public async Task Location_WithoutStatus_Is422AtStatus()
    {
        var location = Location(59.91, 10.75);
        location.Remove("status");

        var issue = await SingleErrorAsync(location);

        Assert.Equal("Location.status", ValidationTests.Expression(issue));
    }

    [Fact]
    public async Task Location_WithoutName_Is422AtName()
    {
        var location = Location(59.91, 10.75);
        location.Remove("name");

        var issue = await SingleErrorAsync(location);

        Assert.Equal("Location.name", ValidationTests.Expression(issue));
    }

    // Location.position is WGS84 (https://hl7.org/fhir/R4/location-definitions.html#Location.position):
    // latitude runs from -90 to 90 degrees and longitude from -180 to 180, limits included.
    [Theory]
    [InlineData(90, 180)]
    [InlineData(-90, -180)]
    [InlineData(0, 0)]
    public async Task Location_PositionWithinTheRanges_Is201(double latitude, double longitude)
    {
        await AssertCreatedAsync(Location(latitude, longitude));
    }

    [Theory]
    [InlineData(90.0001, 10)]
    [InlineData(-91, 10)]
    [InlineData(59.9, 180.5)]
    [InlineData(59.9, -181)]
    [InlineData(10.75, 359.91)] // longitude written as degrees east of Greenwich, 0 to 360
    public async Task Location_PositionOutOfRange_Is422AtPositionNamingMcsdl1(double latitude, double longitude)
    {
        var issue = await SingleErrorAsync(Location(latitude, longitude));

        Assert.Equal("Location.position[0]", ValidationTests.Expression(issue));
        Assert.Contains("mcsdl-1", (string?)issue["diagnostics"]);
    }

    [Fact]
    public async Task Location_ManagedByAPractitioner_Is422AtManagingOrganizationNamingMcsdl2()
    {
        var location = Location(59.91, 10.75);
        location["managingOrganization"] = Reference("Practitioner/dr-lee");

        var issue = await SingleErrorAsync(location);

        Assert.Equal("Location.managingOrganization[0]", ValidationTests.Expression(issue));
        Assert.Contains("mcsdl-2", (string?)issue["diagnostics"]);
    }

    [Fact]
    public async Task Practitioner_Conforming_Is201()
    {
        await AssertCreatedAsync(Practitioner());
    }

    [Fact]
    public async Task Practitioner_WithoutIdentifier_Is422AtIdentifier()
    {
        var practitioner = Practitioner();
        practitioner.Remove("identifier");

        var issue = await SingleErrorAsync(practitioner);

        Assert.Equal("Practitioner.identifier", ValidationTests.Expression(issue));
    }

    [Fact]
    public async Task Practitioner_LicenceWithoutSystem_Is422AtTheSystem()
    {
        var practitioner = Practitioner();
        practitioner["identifier"] = new JsonArray(new JsonObject { ["value"] = "L-1234" });

        var issue = await SingleErrorAsync(practitioner);

        Assert.Equal("Practitioner.identifier[0].system", ValidationTests.Expression(issue));
    }

    [Fact]
    public async Task Practitioner_WithoutActive_Is422AtActive()
    {
        var practitioner = Practitioner();
        practitioner.Remove("active");

        var issue = await SingleErrorAsync(practitioner);

        Assert.Equal("Practitioner.active", ValidationTests.Expression(issue));
    }

    [Fact]
    public async Task Practitioner_WithoutName_Is422AtName()
    {
        var practitioner = Practitioner();
        practitioner.Remove("name");

        var issue = await SingleErrorAsync(practitioner);

        Assert.Equal("Practitioner.name", ValidationTests.Expression(issue));
    }

    [Fact]
    public async Task Practitioner_NameWithTextOnly_Is201()
    {
        var practitioner = Practitioner();
        practitioner["name"] = new JsonArray(new JsonObject { ["text"] = "Dr Ann Lee" });

        await AssertCreatedAsync(practitioner);
    }

    [Fact]
    public async Task Practitioner_NameWithGivenNamesOnly_Is422AtTheNameNamingMcsdp1()
    {
        var practitioner = Practitioner();
        practitioner["name"] = new JsonArray(
            new JsonObject { ["family"] = "Lee" },
            new JsonObject { ["given"] = new JsonArray("Ann") });

        var issue = await SingleErrorAsync(practitioner);

        Assert.Equal("Practitioner.name[1]", ValidationTests.Expression(issue));
        Assert.Contains("mcsdp-1", (string?)issue["diagnostics"]);
    }

    [Fact]
    public async Task PractitionerRole_Conforming_Is201()
    {
        var role = PractitionerRole();
        role["location"] = new JsonArray(Reference("Location/main-site"));
        role["healthcareService"] = new JsonArray(Reference("HealthcareService/talking-therapies"));
        role["period"] = new JsonObject { ["start"] = "2025-01-01", ["end"] = "2025-12-31" };

        await AssertCreatedAsync(role);
    }

    [Theory]
    [InlineData("practitioner")]
    [InlineData("organization")]
    public async Task PractitionerRole_WithOnlyOneOfPractitionerAndOrganization_Is201(string kept)
    {
        var role = PractitionerRole();
        role.Remove(kept == "practitioner" ? "organization" : "practitioner");

        await AssertCreatedAsync(role);
    }

    [Fact]
    public async Task PractitionerRole_WithoutPractitionerOrOrganization_Is422AtTheRoleNamingMcsdpr1()
    {
        var role = PractitionerRole();
        role.Remove("practitioner");
        role.Remove("organization");

        var issue = await SingleErrorAsync(role);

        Assert.Equal("PractitionerRole", ValidationTests.Expression(issue));
        Assert.Contains("mcsdpr-1", (string?)issue["diagnostics"]);
    }

    [Fact]
    public async Task PractitionerRole_WithoutActive_Is422AtActive()
    {
        var role = PractitionerRole();
        role.Remove("active");

        var issue = await SingleErrorAsync(role);

        Assert.Equal("PractitionerRole.active", ValidationTests.Expression(issue));
    }

    [Fact]
    public async Task PractitionerRole_PeriodEndingBeforeItStarts_Is422AtThePeriodNamingMcsdpr2()
    {
        var role = PractitionerRole();
        role["period"] = new JsonObject { ["start"] = "2025-06-01", ["end"] = "2025-05-31" };

        using var response = await _client.PostAsync("/fhir/PractitionerRole", Fhir.Json(role));

        // The core Period invariant per-1 fails too (datatypes.html#Period); the directory's own is asserted here.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var issue = Assert.Single(await ValidationTests.IssuesAsync(response), i => ((string?)i["diagnostics"])!.Contains("mcsdpr-2", StringComparison.Ordinal));
        Assert.Equal("PractitionerRole.period[0]", ValidationTests.Expression(issue));
    }

    [Theory]
    [InlineData("Practitioner/dr-lee")]
    [InlineData("Practitioner/dr-lee/_history/2")]
    [InlineData("https://directory.example.org/fhir/Practitioner/dr-lee")]
    public async Task PractitionerRole_PractitionerReferenceForms_Are201(string reference)
    {
        var role = PractitionerRole();
        role["practitioner"] = Reference(reference);

        await AssertCreatedAsync(role);
    }

    [Theory]
    [InlineData("practitioner", "Organization/mental-health-trust", "PractitionerRole.practitioner[0]", "mcsdpr-3")]
    [InlineData("organization", "Practitioner/dr-lee", "PractitionerRole.organization[0]", "mcsdpr-4")]
    [InlineData("location", "Organization/mental-health-trust", "PractitionerRole.location[0]", "mcsdpr-5")]
    [InlineData("healthcareService", "Location/main-site", "PractitionerRole.healthcareService[0]", "mcsdpr-6")]
    public async Task PractitionerRole_ReferenceToTheWrongType_Is422AtThatReference(string element, string reference, string expression, string key)
    {
        var role = PractitionerRole();
        role[element] = element is "location" or "healthcareService" ? new JsonArray(Reference(reference)) : Reference(reference);

        var issue = await SingleErrorAsync(role);

        Assert.Equal(expression, ValidationTests.Expression(issue));
        Assert.Contains(key, (string?)issue["diagnostics"]);
    }

    [Fact]
    public async Task PractitionerRole_LogicalReferenceTypedAsAnotherResource_Is422AtThatReference()
    {
        var role = PractitionerRole();
        role["practitioner"] = new JsonObject
        {
            ["type"] = "Organization",
            ["identifier"] = new JsonObject { ["system"] = "https://registry.example.org/org", ["value"] = "ORG-1" },
        };

        var issue = await SingleErrorAsync(role);

        Assert.Equal("PractitionerRole.practitioner[0]", ValidationTests.Expression(issue));
        Assert.Contains("mcsdpr-3", (string?)issue["diagnostics"]);
    }

    [Fact]
    public async Task PractitionerRole_ContainedPractitionerNotMeetingItsProfile_Is422AtTheContainedElement()
    {
        var role = PractitionerRole();
        role["contained"] = new JsonArray(new JsonObject
        {
            ["resourceType"] = "Practitioner",
            ["id"] = "locum",
            ["active"] = true,
            ["name"] = new JsonArray(new JsonObject { ["family"] = "Locum" }),
        });
        role["practitioner"] = Reference("#locum");

        var issue = await SingleErrorAsync(role);

        Assert.Equal("PractitionerRole.contained[0].identifier", ValidationTests.Expression(issue));
    }

    [Fact]
    public async Task HealthcareService_ConformingWithCharacteristics_Is201()
    {
        var service = HealthcareService();
        service["location"] = new JsonArray(Reference("Location/main-site"));
        service["characteristic"] = new JsonArray(
            ValidationTests.Concept(ServiceCharacteristic, "accepting-new-clients"),
            ValidationTests.Concept(ServiceCharacteristic, "telehealth"));

        await AssertCreatedAsync(service);
    }

    [Fact]
    public async Task HealthcareService_WithoutProvidedBy_Is422AtProvidedBy()
    {
        var service = HealthcareService();
        service.Remove("providedBy");

        var issue = await SingleErrorAsync(service);

        Assert.Equal("HealthcareService.providedBy", ValidationTests.Expression(issue));
    }

    [Fact]
    public async Task HealthcareService_WithoutName_Is422AtName()
    {
        var service = HealthcareService();
        service.Remove("name");

        var issue = await SingleErrorAsync(service);

        Assert.Equal("HealthcareService.name", ValidationTests.Expression(issue));
    }

    [Fact]
    public async Task HealthcareService_WithoutActive_Is422AtActive()
    {
        var service = HealthcareService();
        service.Remove("active");

        var issue = await SingleErrorAsync(service);

        Assert.Equal("HealthcareService.active", ValidationTests.Expression(issue));
    }

    [Fact]
    public async Task HealthcareService_ProvidedByAPractitioner_Is422AtProvidedByNamingMcsdhs1()
    {
        var service = HealthcareService();
        service["providedBy"] = Reference("Practitioner/dr-lee");

        var issue = await SingleErrorAsync(service);

        Assert.Equal("HealthcareService.providedBy[0]", ValidationTests.Expression(issue));
        Assert.Contains("mcsdhs-1", (string?)issue["diagnostics"]);
    }

    [Fact]
    public async Task HealthcareService_LocationAnOrganization_Is422AtTheLocationNamingMcsdhs2()
    {
        var service = HealthcareService();
        service["location"] = new JsonArray(Reference("Location/main-site"), Reference("Organization/mental-health-trust"));

        var issue = await SingleErrorAsync(service);

        Assert.Equal("HealthcareService.location[1]", ValidationTests.Expression(issue));
        Assert.Contains("mcsdhs-2", (string?)issue["diagnostics"]);
    }

    [Fact]
    public async Task HealthcareService_Characteristic_IsBoundExtensiblyToServiceCharacteristic()
    {
        using var response = await _client.GetAsync("/fhir/StructureDefinition/mcsd-healthcareservice");
        var profile = await response.BodyAsync();

        var characteristic = profile["snapshot"]!["element"]!.AsArray().Single(e => (string?)e!["id"] == "HealthcareService.characteristic")!;
        Assert.Equal("extensible", (string?)characteristic["binding"]!["strength"]);
        Assert.Equal("https://fhirmh.org/fhir/ValueSet/service-characteristic", (string?)characteristic["binding"]!["valueSet"]);
    }

    [Fact]
    public async Task ServiceCharacteristic_ValueSet_ExpandsToBothCodes()
    {
        var expansion = await _client.GetOkAsync("ValueSet/$expand?url=https://fhirmh.org/fhir/ValueSet/service-characteristic");

        Assert.Equal(["accepting-new-clients", "telehealth"], expansion.Codes());
    }

    [Fact]
    public async Task Endpoint_Conforming_Is201()
    {
        var endpoint = Endpoint();
        endpoint["managingOrganization"] = Reference("Organization/mental-health-trust");

        await AssertCreatedAsync(endpoint);
    }

    [Fact]
    public async Task Endpoint_IdentifierWithoutValue_Is422AtTheValue()
    {
        var endpoint = Endpoint();
        endpoint["identifier"] = new JsonArray(new JsonObject { ["system"] = "https://registry.example.org/endpoint" });

        var issue = await SingleErrorAsync(endpoint);

        Assert.Equal("Endpoint.identifier[0].value", ValidationTests.Expression(issue));
    }

    [Fact]
    public async Task Endpoint_ManagedByALocation_Is422AtManagingOrganizationNamingMcsde1()
    {
        var endpoint = Endpoint();
        endpoint["managingOrganization"] = Reference("Location/main-site");

        var issue = await SingleErrorAsync(endpoint);

        Assert.Equal("Endpoint.managingOrganization[0]", ValidationTests.Expression(issue));
        Assert.Contains("mcsde-1", (string?)issue["diagnostics"]);
    }

    [Fact]
    public async Task OrganizationAffiliation_Conforming_Is201()
    {
        await AssertCreatedAsync(OrganizationAffiliation());
    }

    [Fact]
    public async Task OrganizationAffiliation_WithoutActive_Is422AtActive()
    {
        var affiliation = OrganizationAffiliation();
        affiliation.Remove("active");

        var issue = await SingleErrorAsync(affiliation);

        Assert.Equal("OrganizationAffiliation.active", ValidationTests.Expression(issue));
    }

    [Fact]
    public async Task OrganizationAffiliation_OrganizationAPractitioner_Is422AtOrganizationNamingMcsdoa1()
    {
        var affiliation = OrganizationAffiliation();
        affiliation["organization"] = Reference("Practitioner/dr-lee");

        var issue = await SingleErrorAsync(affiliation);

        Assert.Equal("OrganizationAffiliation.organization[0]", ValidationTests.Expression(issue));
        Assert.Contains("mcsdoa-1", (string?)issue["diagnostics"]);
    }

    [Fact]
    public async Task OrganizationAffiliation_ParticipatingOrganizationALocation_Is422AtItNamingMcsdoa2()
    {
        var affiliation = OrganizationAffiliation();
        affiliation["participatingOrganization"] = Reference("Location/main-site");

        var issue = await SingleErrorAsync(affiliation);

        Assert.Equal("OrganizationAffiliation.participatingOrganization[0]", ValidationTests.Expression(issue));
        Assert.Contains("mcsdoa-2", (string?)issue["diagnostics"]);
    }

    private async Task AssertCreatedAsync(JsonObject resource)
    {
        using var response = await _client.PostAsync($"/fhir/{(string)resource["resourceType"]!}", Fhir.Json(resource));

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts <paramref name="resource"/>, expects 422, and returns its one error (the rest of the resource is valid).</summary>
    private async Task<JsonObject> SingleErrorAsync(JsonObject resource)
    {
        using var response = await _client.PostAsync($"/fhir/{(string)resource["resourceType"]!}", Fhir.Json(resource));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        return Assert.Single(await ValidationTests.IssuesAsync(response), i => (string?)i["severity"] is "error" or "fatal");
    }

    private static JsonObject Organization() => Claiming("mcsd-organization", new JsonObject
    {
        ["resourceType"] = "Organization",
        ["identifier"] = new JsonArray(Identifier("https://registry.example.org/org")),
        ["active"] = true,
        ["name"] = "Riverside Community Mental Health",
    });

    private static JsonObject Location(double latitude, double longitude) => Claiming("mcsd-location", new JsonObject
    {
        ["resourceType"] = "Location",
        ["identifier"] = new JsonArray(Identifier("https://registry.example.org/site")),
        ["status"] = "active",
        ["name"] = "Riverside outpatient clinic",
        ["position"] = new JsonObject { ["longitude"] = longitude, ["latitude"] = latitude },
    });

    private static JsonObject Practitioner() => Claiming("mcsd-practitioner", new JsonObject
    {
        ["resourceType"] = "Practitioner",
        ["identifier"] = new JsonArray(Identifier("https://registry.example.org/licence")),
        ["active"] = true,
        ["name"] = new JsonArray(new JsonObject { ["family"] = "Lee", ["given"] = new JsonArray("Ann") }),
    });

    private static JsonObject PractitionerRole() => Claiming("mcsd-practitionerrole", new JsonObject
    {
        ["resourceType"] = "PractitionerRole",
        ["identifier"] = new JsonArray(Identifier("https://registry.example.org/role")),
        ["active"] = true,
        ["practitioner"] = Reference("Practitioner/dr-lee"),
        ["organization"] = Reference("Organization/mental-health-trust"),
    });

    private static JsonObject HealthcareService() => Claiming("mcsd-healthcareservice", new JsonObject
    {
        ["resourceType"] = "HealthcareService",
        ["identifier"] = new JsonArray(Identifier("https://registry.example.org/service")),
        ["active"] = true,
        ["providedBy"] = Reference("Organization/mental-health-trust"),
        ["name"] = "Talking therapies",
    });

    private static JsonObject Endpoint() => Claiming("mcsd-endpoint", new JsonObject
    {
        ["resourceType"] = "Endpoint",
        ["identifier"] = new JsonArray(Identifier("https://registry.example.org/endpoint")),
        ["status"] = "active",
        ["connectionType"] = new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/endpoint-connection-type", ["code"] = "hl7-fhir-rest" },
        ["payloadType"] = new JsonArray(new JsonObject { ["text"] = "Any FHIR resource" }),
        ["address"] = "https://riverside.example.org/fhir",
    });

    private static JsonObject OrganizationAffiliation() => Claiming("mcsd-organizationaffiliation", new JsonObject
    {
        ["resourceType"] = "OrganizationAffiliation",
        ["identifier"] = new JsonArray(Identifier("https://registry.example.org/affiliation")),
        ["active"] = true,
        ["organization"] = Reference("Organization/mental-health-trust"),
        ["participatingOrganization"] = Reference("Organization/riverside"),
    });

    private static JsonObject Claiming(string profile, JsonObject resource) => ValidationTests.Profiled(resource, Profiles + profile);

    /// <summary>An identifier with a value no other test uses.</summary>
    private static JsonObject Identifier(string system) => new() { ["system"] = system, ["value"] = Guid.NewGuid().ToString("N")[..12] };

    private static JsonObject Reference(string reference) => new() { ["reference"] = reference };
}

public sealed class SqliteDirectoryProfileTests(SqliteFixture fixture) : DirectoryProfileTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresDirectoryProfileTests(PostgresFixture fixture) : DirectoryProfileTests(fixture), IClassFixture<PostgresFixture>;
