using System.Net;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>batch Bundles (http.html#transaction): independent entries, each with its own outcome.</summary>
public abstract class BatchTests(StorageFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task Batch_OneFailingEntry_TheOthersAreWrittenAndEachReportsItsStatus()
    {
        var existing = (await _client.CreatePatientAsync("Batched")).Id();
        var bundle = BundleJson.Of(
            "batch",
            BundleJson.Entry("POST", "Patient", Fhir.Patient("Batched-first")),
            BundleJson.Entry("PUT", $"Patient/{existing}", Fhir.Patient("Batched-stale", existing), ifMatch: "W/\"9\""),
            BundleJson.Entry("POST", "Patient", Fhir.Patient("Batched-third")),
            BundleJson.Entry("GET", $"Patient/{existing}"));

        using var response = await _client.PostBundleAsync(bundle);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.BodyAsync();
        Assert.Equal("batch-response", (string?)result["type"]);
        var entries = result.Entries();
        Assert.Equal(["201 Created", "412 Precondition Failed", "201 Created", "200 OK"], entries.Select(e => e.Status()));
        var outcome = entries[1]["response"]!["outcome"]!;
        Assert.Equal("OperationOutcome", (string?)outcome["resourceType"]);
        Assert.Equal("Bundle.entry[1].request.ifMatch", (string?)outcome["issue"]![0]!["expression"]![0]);
        Assert.Null(entries[1]["resource"]);
        Assert.Equal("Batched", (string?)entries[3]["resource"]!["name"]![0]!["family"]);
        foreach (var (entry, family) in new[] { (entries[0], "Batched-first"), (entries[2], "Batched-third") })
        {
            using var read = await _client.GetAsync($"/fhir/Patient/{entry.LocationId()}");
            Assert.Equal(family, (string?)(await read.BodyAsync())["name"]![0]!["family"]);
        }
    }

    [Fact]
    public async Task Batch_UnparseableEntry_Reports400AtItsUrlAndRunsTheRest()
    {
        var bundle = BundleJson.Of(
            "batch",
            BundleJson.Entry("GET", "Patient/1/extra/segments/here"),
            BundleJson.Entry("POST", "Patient", Fhir.Patient("Batched-after")));

        using var response = await _client.PostBundleAsync(bundle);

        var entries = (await response.BodyAsync()).Entries();
        Assert.Equal(["400 Bad Request", "201 Created"], entries.Select(e => e.Status()));
        Assert.Equal("Bundle.entry[0].request.url", (string?)entries[0]["response"]!["outcome"]!["issue"]![0]!["expression"]![0]);
    }

    [Fact]
    public async Task Batch_EntryReferringToAnotherEntry_IsRefused()
    {
        var urn = BundleJson.NewUrn();
        var bundle = BundleJson.Of(
            "batch",
            BundleJson.Entry("POST", "Patient", Fhir.Patient("Depended-on"), fullUrl: urn),
            BundleJson.Entry("POST", "Observation", BundleJson.Observation(urn)));

        using var response = await _client.PostBundleAsync(bundle);

        var entries = (await response.BodyAsync()).Entries();
        Assert.Equal(["201 Created", "400 Bad Request"], entries.Select(e => e.Status()));
        Assert.Equal("Bundle.entry[1].resource.subject", (string?)entries[1]["response"]!["outcome"]!["issue"]![0]!["expression"]![0]);
    }

    [Fact]
    public async Task Batch_PreferOperationOutcome_GivesEachWriteAnOutcome()
    {
        var bundle = BundleJson.Of("batch", BundleJson.Entry("POST", "Patient", Fhir.Patient("Outcome")));

        using var response = await _client.PostBundleAsync(bundle, prefer: "return=OperationOutcome");

        var entry = Assert.Single((await response.BodyAsync()).Entries());
        Assert.Null(entry["resource"]);
        Assert.Equal("information", (string?)entry["response"]!["outcome"]!["issue"]![0]!["severity"]);
    }

    [Fact]
    public async Task Batch_ReadsAndHistory_AnswerAsSingleRequestsWould()
    {
        var id = (await _client.CreatePatientAsync("Read-in-batch")).Id();
        var bundle = BundleJson.Of(
            "batch",
            BundleJson.Entry("GET", $"http://localhost/fhir/Patient/{id}/_history/1"),
            BundleJson.Entry("GET", $"Patient/{id}/_history"),
            BundleJson.Entry("GET", "metadata"),
            BundleJson.Entry("HEAD", $"Patient/{id}"),
            BundleJson.Entry("GET", $"http://elsewhere.example/fhir/Patient/{id}"));

        using var response = await _client.PostBundleAsync(bundle);

        var entries = (await response.BodyAsync()).Entries();
        Assert.Equal(["200 OK", "200 OK", "200 OK", "200 OK", "400 Bad Request"], entries.Select(e => e.Status()));
        Assert.Equal("Read-in-batch", (string?)entries[0]["resource"]!["name"]![0]!["family"]);
        Assert.Equal("history", (string?)entries[1]["resource"]!["type"]);
        Assert.Equal("CapabilityStatement", (string?)entries[2]["resource"]!["resourceType"]);
        Assert.Null(entries[3]["resource"]);
        Assert.Equal("W/\"1\"", (string?)entries[3]["response"]!["etag"]);
    }
}

public sealed class SqliteBatchTests(SqliteFixture fixture) : BatchTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresBatchTests(PostgresFixture fixture) : BatchTests(fixture), IClassFixture<PostgresFixture>;
