using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// The provider registry's curation rules on every write path: one record per identifier (409
/// naming the record that has it), references that resolve, and likely duplicates without a
/// shared identifier listed for staff by <c>$potential-duplicates</c>, never merged.
/// </summary>
public abstract class ProviderRegistryTests(StorageFixture fixture)
{
    private const string Licence = "https://fhirmh.org/fhir/sid/licence";

    private readonly HttpClient _client = fixture.CreateClient();
    private readonly string _unique = Guid.NewGuid().ToString("N")[..10];

    [Theory]
    [InlineData("Practitioner")]
    [InlineData("Organization")]
    public async Task Identifier_SecondRecordWithIt_Is409NamingTheFirst(string type)
    {
        var first = await CreateAsync(Record(type, "Amsel", _unique));

        using var second = await _client.PostAsync($"/fhir/{type}", Fhir.Json(Record(type, "Other", _unique)));

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var issue = await second.SingleIssueAsync();
        Assert.Equal("duplicate", (string?)issue["code"]);
        Assert.Contains($"{type}/{first}", (string?)issue["diagnostics"], StringComparison.Ordinal);
        Assert.Equal($"{type}.identifier[0]", (string?)issue["expression"]![0]);
        Assert.Equal([first], await IdsAsync($"{type}?identifier={Licence}|{_unique}"));
    }

    [Fact]
    public async Task Identifier_UpdateOfTheRecordThatHasIt_IsAccepted()
    {
        var first = await CreateAsync(Record("Practitioner", "Amsel", _unique));
        var changed = Record("Practitioner", "Amsel-Berg", _unique);
        changed["id"] = first;

        using var update = await _client.PutAsync($"/fhir/Practitioner/{first}", changed, ifMatch: null);

        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
    }

    [Fact]
    public async Task Identifier_SameValueInAnotherSystem_IsAnotherIdentifier()
    {
        await CreateAsync(Record("Practitioner", "Amsel", _unique));
        var other = Record("Practitioner", "Amsel", _unique);
        other["identifier"]![0]!["system"] = "https://example.org/other-licences";

        using var response = await _client.PostAsync("/fhir/Practitioner", Fhir.Json(other));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Identifier_TwiceInOneTransaction_Is409AndNothingIsStored()
    {
        var bundle = BundleJson.Of(
            "transaction",
            BundleJson.Entry("POST", "Practitioner", Record("Practitioner", "One", _unique), BundleJson.NewUrn()),
            BundleJson.Entry("POST", "Practitioner", Record("Practitioner", "Two", _unique), BundleJson.NewUrn()));

        using var response = await _client.PostBundleAsync(bundle);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Empty(await IdsAsync($"Practitioner?identifier={Licence}|{_unique}"));
    }

    [Fact]
    public async Task Identifier_ConcurrentCreates_ExactlyOneIsStored()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            using var response = await _client.PostAsync("/fhir/Practitioner", Fhir.Json(Record("Practitioner", $"Racer{i}", _unique)));
            return response.StatusCode;
        }));

        Assert.Single(responses, s => s == HttpStatusCode.Created);
        Assert.All(responses.Where(s => s != HttpStatusCode.Created), s => Assert.Equal(HttpStatusCode.Conflict, s));
        Assert.Single(await IdsAsync($"Practitioner?identifier={Licence}|{_unique}"));
    }

    [Fact]
    public async Task ConcurrentTransactions_OfLikelyDuplicates_CommitOrAnswer409AndAllLandWhenRetried()
    {
        // Bundles whose Practitioners share blocking keys in different orders: the registry's
        // locks may deadlock two of them, which must be a 409 to retry, never a 500.
        var families = Enumerable.Range(0, 6).Select(i => $"Kowalski{_unique}{(char)('a' + i)}").ToList();
        var bundles = Enumerable.Range(0, 4).Select(b => BundleJson.Of(
            "transaction",
            Enumerable.Range(0, 6).Select(i =>
            {
                var family = families[(i + b) % families.Count];
                var id = $"{_unique}-{b}-{i}";
                var practitioner = Practitioner(family, "Anna", $"+48 22 {(i + b) % families.Count}00 00 0{i}", id);
                practitioner["id"] = id;
                return BundleJson.Entry("PUT", $"Practitioner/{id}", practitioner);
            }).ToArray())).ToList();

        var statuses = await Task.WhenAll(bundles.Select(async bundle =>
        {
            var seen = new List<HttpStatusCode>();
            for (var attempt = 0; attempt < 20; attempt++)
            {
                using var response = await _client.PostBundleAsync(bundle);
                seen.Add(response.StatusCode);
                if (response.StatusCode != HttpStatusCode.Conflict)
                {
                    break;
                }
            }

            return seen;
        }));

        Assert.All(statuses.SelectMany(s => s), s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s[^1]));
        Assert.Equal(24, (await IdsAsync($"Practitioner?identifier={Licence}|&_count=100&_id={string.Join(',', bundles.SelectMany((_, b) => Enumerable.Range(0, 6).Select(i => $"{_unique}-{b}-{i}")))}")).Count);
    }

    [Fact]
    public async Task Reference_ToAMissingOrganization_Is422AtTheReference()
    {
        var role = new JsonObject
        {
            ["resourceType"] = "PractitionerRole",
            ["active"] = true,
            ["organization"] = new JsonObject { ["reference"] = $"Organization/missing-{_unique}" },
        };

        using var response = await _client.PostAsync("/fhir/PractitionerRole", Fhir.Json(role));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var issue = await response.SingleIssueAsync();
        Assert.Equal("PractitionerRole.organization", (string?)issue["expression"]![0]);
        Assert.Contains($"Organization/missing-{_unique}", (string?)issue["diagnostics"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reference_ToADeletedLocation_Is422()
    {
        var location = await CreateAsync(new JsonObject { ["resourceType"] = "Location", ["status"] = "active", ["name"] = "Gone " + _unique });
        using (await _client.DeleteAsync($"/fhir/Location/{location}"))
        {
        }

        var service = new JsonObject
        {
            ["resourceType"] = "HealthcareService",
            ["active"] = true,
            ["location"] = new JsonArray(new JsonObject { ["reference"] = $"Location/{location}" }),
        };
        using var response = await _client.PostAsync("/fhir/HealthcareService", Fhir.Json(service));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("HealthcareService.location[0]", (string?)(await response.SingleIssueAsync())["expression"]![0]);
    }

    [Fact]
    public async Task Reference_ToAnEntryCreatedLaterInTheTransaction_Resolves()
    {
        var organizationUrn = BundleJson.NewUrn();
        var role = new JsonObject
        {
            ["resourceType"] = "PractitionerRole",
            ["active"] = true,
            ["organization"] = new JsonObject { ["reference"] = organizationUrn },
        };
        var bundle = BundleJson.Of(
            "transaction",
            BundleJson.Entry("POST", "PractitionerRole", role, BundleJson.NewUrn()),
            BundleJson.Entry("POST", "Organization", Record("Organization", "Later", _unique), organizationUrn));

        using var response = await _client.PostBundleAsync(bundle);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var organization = (await response.BodyAsync()).Entries()[1].LocationId();
        Assert.Single(await IdsAsync($"PractitionerRole?organization=Organization/{organization}"));
    }

    [Fact]
    public async Task Duplicates_NameVariantWithTheSamePhone_AreListedForStaffAndNotMerged()
    {
        var phone = "+33 1 " + Random.Shared.Next(10_000_000, 99_999_999);
        var jonathan = await CreateAsync(Practitioner($"Smithers{_unique}", "Jonathan", phone, $"{_unique}-a"));
        var jon = await CreateAsync(Practitioner($"Smithers{_unique}", "Jon", phone, $"{_unique}-b"));
        var stranger = await CreateAsync(Practitioner($"Quartermaine{_unique}", "Alice", "+33 2 " + Random.Shared.Next(10_000_000, 99_999_999), $"{_unique}-c"));

        var forJon = await OperationAsync($"Practitioner/{jon}/$potential-duplicates");
        var forStranger = await OperationAsync($"Practitioner/{stranger}/$potential-duplicates");
        var all = await OperationAsync("Practitioner/$potential-duplicates?count=1000");

        var entry = Assert.Single(forJon["entry"]!.AsArray())!;
        Assert.Equal(jonathan, (string?)entry["resource"]!["id"]);
        Assert.True((double)entry["search"]!["score"]! > 0.5);
        Assert.Contains(entry["search"]!["extension"]!.AsArray(), e => ((string?)e!["url"])!.EndsWith("match-explanation", StringComparison.Ordinal)
            && e["extension"]!.AsArray().Any(x => (string?)x!["url"] == "comparedWith" && (string?)x["valueReference"]!["reference"] == $"Practitioner/{jon}"));
        Assert.Equal(0, (int)forStranger["total"]!);
        Assert.Contains(all["entry"]!.AsArray(), e => (string?)e!["resource"]!["id"] == new[] { jon, jonathan }.Min(StringComparer.Ordinal));
        Assert.Equal([jonathan], await IdsAsync($"Practitioner?_id={jonathan}"));
        Assert.Equal([jon], await IdsAsync($"Practitioner?_id={jon}"));
    }

    [Fact]
    public async Task Duplicates_OrganizationSpelledDifferentlyAtTheSameAddress_AreListed()
    {
        var phone = "+1 514 " + Random.Shared.Next(1_000_000, 9_999_999);
        var first = await CreateAsync(Organization($"Saint Mary {_unique} Mental Health Centre", phone, $"{_unique}-1"));
        var second = await CreateAsync(Organization($"St Mary {_unique} Mental Health Center", phone, $"{_unique}-2"));

        var listed = await OperationAsync($"Organization/{first}/$potential-duplicates");

        Assert.Equal(second, (string?)Assert.Single(listed["entry"]!.AsArray())!["resource"]!["id"]);
    }

    [Fact]
    public async Task Duplicates_OneOfThePairDeleted_LeavesTheList()
    {
        var phone = "+44 20 " + Random.Shared.Next(10_000_000, 99_999_999);
        var kept = await CreateAsync(Practitioner($"Fairweather{_unique}", "Katherine", phone, $"{_unique}-k"));
        var removed = await CreateAsync(Practitioner($"Fairweather{_unique}", "Kate", phone, $"{_unique}-r"));
        Assert.Equal(1, (int)(await OperationAsync($"Practitioner/{kept}/$potential-duplicates"))["total"]!);

        using (await _client.DeleteAsync($"/fhir/Practitioner/{removed}"))
        {
        }

        Assert.Equal(0, (int)(await OperationAsync($"Practitioner/{kept}/$potential-duplicates"))["total"]!);
    }

    [Fact]
    public async Task PotentialDuplicates_UnknownRecordOrBadCount_Is404Or400()
    {
        using var unknown = await _client.GetAsync($"/fhir/Practitioner/nobody-{_unique}/$potential-duplicates");
        using var badCount = await _client.GetAsync("/fhir/Practitioner/$potential-duplicates?count=zero");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badCount.StatusCode);
        Assert.Equal("count", (string?)(await badCount.SingleIssueAsync())["expression"]![0]);
    }

    private static JsonObject Record(string type, string name, string licence) => type == "Practitioner"
        ? new JsonObject
        {
            ["resourceType"] = "Practitioner",
            ["active"] = true,
            ["identifier"] = new JsonArray(new JsonObject { ["system"] = Licence, ["value"] = licence }),
            ["name"] = new JsonArray(new JsonObject { ["family"] = name, ["given"] = new JsonArray("Test") }),
        }
        : new JsonObject
        {
            ["resourceType"] = "Organization",
            ["active"] = true,
            ["identifier"] = new JsonArray(new JsonObject { ["system"] = Licence, ["value"] = licence }),
            ["name"] = name,
        };

    private static JsonObject Practitioner(string family, string given, string phone, string licence)
    {
        var practitioner = Record("Practitioner", family, licence);
        practitioner["name"]![0]!["given"] = new JsonArray(given);
        practitioner["telecom"] = new JsonArray(new JsonObject { ["system"] = "phone", ["value"] = phone });
        return practitioner;
    }

    private static JsonObject Organization(string name, string phone, string licence)
    {
        var organization = Record("Organization", name, licence);
        organization["telecom"] = new JsonArray(new JsonObject { ["system"] = "phone", ["value"] = phone });
        organization["address"] = new JsonArray(new JsonObject { ["line"] = new JsonArray("12 Rue des Lilas"), ["city"] = "Montreal", ["postalCode"] = "H2X 1Y4" });
        return organization;
    }

    private async Task<string> CreateAsync(JsonObject resource)
    {
        using var response = await _client.PostAsync($"/fhir/{(string)resource["resourceType"]!}", Fhir.Json(resource));
        var body = await response.BodyAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        return body.Id();
    }

    private async Task<JsonObject> OperationAsync(string relative)
    {
        using var response = await _client.GetAsync("/fhir/" + relative);
        var body = await response.BodyAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return body;
    }

    private async Task<List<string>> IdsAsync(string relative)
    {
        var bundle = await OperationAsync(relative);
        return (bundle["entry"]?.AsArray() ?? []).Select(e => (string)e!["resource"]!["id"]!).ToList();
    }
}

public sealed class SqliteProviderRegistryTests(DirectorySqliteFixture fixture) : ProviderRegistryTests(fixture), IClassFixture<DirectorySqliteFixture>;

public sealed class PostgresProviderRegistryTests(DirectoryPostgresFixture fixture) : ProviderRegistryTests(fixture), IClassFixture<DirectoryPostgresFixture>;
