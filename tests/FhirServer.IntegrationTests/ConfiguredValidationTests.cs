using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// A server with <c>Validation:Mode</c> = always, a canonical base of its own and a package folder:
/// the profiles configured per type apply to every write, the project's artefacts are published
/// under the configured base, and a package tarball's profile is loaded, stored and enforced.
/// </summary>
public abstract class ConfiguredValidationTests(StorageFixture fixture)
{
    public const string Base = "https://registry.example.org/fhir";

    private readonly HttpClient _client = fixture.CreateClient();

    public static Dictionary<string, string> Settings(string packages) => new()
    {
        ["Validation:Mode"] = "Always",
        ["Validation:Packages"] = packages,
        ["CanonicalBase"] = Base,
    };

    [Fact]
    public async Task Always_EveryConsentMustMeetTheConfiguredProfile()
    {
        var withoutProvision = ValidationTests.Consent("Patient/anyone");

        using var response = await _client.PostAsync("/fhir/Consent", Fhir.Json(withoutProvision));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(await ValidationTests.IssuesAsync(response), i => ValidationTests.Expression(i) == "Consent.provision");
    }

    [Fact]
    public async Task Always_AConformingConsentIsStored()
    {
        var consent = ValidationTests.Consent("Patient/anyone");
        consent["provision"] = new JsonObject { ["type"] = "permit" };

        using var response = await _client.PostAsync("/fhir/Consent", Fhir.Json(consent));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task CanonicalBase_TheProjectsArtefactsArePublishedUnderIt()
    {
        using var profile = await _client.GetAsync("/fhir/StructureDefinition/mh-patient");
        using var metadata = await _client.GetAsync("/fhir/metadata");

        Assert.Equal($"{Base}/StructureDefinition/mh-patient", (string?)(await profile.BodyAsync())["url"]);
        var consent = (await metadata.BodyAsync())["rest"]![0]!["resource"]!.AsArray().Single(r => (string?)r!["type"] == "Consent")!;
        Assert.Equal($"{Base}/StructureDefinition/mh-consent", (string?)consent["profile"]);
    }

    [Fact]
    public async Task CanonicalBase_SeedsArePublishedUnderIt()
    {
        using var search = await _client.GetAsync($"/fhir/Questionnaire?url={Uri.EscapeDataString($"{Base}/Questionnaire/phq-9")}&version=1.0.0");

        var stored = Assert.Single((await search.BodyAsync())["entry"]!.AsArray())!["resource"]!;
        Assert.Equal("phq-9", (string?)stored["id"]);
    }

    [Fact]
    public async Task PackageTarball_ItsProfileIsStoredAndEnforcedAndItsExamplesAreNot()
    {
        using var search = await _client.GetAsync($"/fhir/StructureDefinition?url={Uri.EscapeDataString(ValidationPackageFolder.ProfileUrl)}");
        using var example = await _client.GetAsync("/fhir/Observation/clinic-example");
        var observation = ValidationTests.Profiled(
            new JsonObject { ["resourceType"] = "Observation", ["status"] = "final", ["code"] = new JsonObject { ["text"] = "mood" } },
            ValidationPackageFolder.ProfileUrl);

        using var response = await _client.PostAsync("/fhir/Observation", Fhir.Json(observation));

        var stored = Assert.Single((await search.BodyAsync())["entry"]!.AsArray())!["resource"]!;
        Assert.NotEmpty(stored["snapshot"]!["element"]!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, example.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(await ValidationTests.IssuesAsync(response), i => ValidationTests.Expression(i) == "Observation.subject");
    }
}

/// <summary>A server with <c>Validation:Mode</c> = off: only what the parser refuses is refused.</summary>
public abstract class ValidationOffTests(StorageFixture fixture)
{
    public static readonly Dictionary<string, string> Settings = new() { ["Validation:Mode"] = "Off" };

    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task Off_ProfilesAndBindingsAreNotChecked()
    {
        var condition = new JsonObject
        {
            ["resourceType"] = "Condition",
            ["subject"] = new JsonObject { ["reference"] = "Patient/someone" },
            ["clinicalStatus"] = ValidationTests.Concept("http://terminology.hl7.org/CodeSystem/condition-clinical", "bogus"),
            ["meta"] = new JsonObject { ["profile"] = new JsonArray("https://nowhere.example/StructureDefinition/nothing") },
        };

        using var response = await _client.PostAsync("/fhir/Condition", Fhir.Json(condition));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Off_StructuralErrorsAreStillRefused()
    {
        var patient = Fhir.Patient("Structural");
        patient["birthDate"] = 1984;

        using var response = await _client.PostAsync("/fhir/Patient", Fhir.Json(patient));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}

public sealed class ConfiguredValidationSqliteFixture : SqliteFixture
{
    private readonly string _packages = ValidationPackageFolder.Create();

    protected override IReadOnlyDictionary<string, string> Settings => ConfiguredValidationTests.Settings(_packages);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_packages, recursive: true);
    }
}

public sealed class ConfiguredValidationPostgresFixture : PostgresFixture
{
    private readonly string _packages = ValidationPackageFolder.Create();

    protected override IReadOnlyDictionary<string, string> Settings => ConfiguredValidationTests.Settings(_packages);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_packages, recursive: true);
    }
}

public sealed class ValidationOffSqliteFixture : SqliteFixture
{
    protected override IReadOnlyDictionary<string, string> Settings => ValidationOffTests.Settings;
}

public sealed class ValidationOffPostgresFixture : PostgresFixture
{
    protected override IReadOnlyDictionary<string, string> Settings => ValidationOffTests.Settings;
}

public sealed class SqliteConfiguredValidationTests(ConfiguredValidationSqliteFixture fixture)
    : ConfiguredValidationTests(fixture), IClassFixture<ConfiguredValidationSqliteFixture>;

public sealed class PostgresConfiguredValidationTests(ConfiguredValidationPostgresFixture fixture)
    : ConfiguredValidationTests(fixture), IClassFixture<ConfiguredValidationPostgresFixture>;

public sealed class SqliteValidationOffTests(ValidationOffSqliteFixture fixture) : ValidationOffTests(fixture), IClassFixture<ValidationOffSqliteFixture>;

public sealed class PostgresValidationOffTests(ValidationOffPostgresFixture fixture) : ValidationOffTests(fixture), IClassFixture<ValidationOffPostgresFixture>;
