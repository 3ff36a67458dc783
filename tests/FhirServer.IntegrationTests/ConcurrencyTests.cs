using System.Net;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// Racing writers are ordered by the database: exactly one wins a version, the other is told
/// (412), and no version is lost, also between two server hosts on one database.
/// </summary>
public abstract class ConcurrencyTests(StorageFixture fixture)
{
    private const int Rounds = 10;
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task Update_TwoConcurrentPutsWithSameIfMatch_ExactlyOneWinsAndNoVersionIsLost()
    {
        for (var round = 0; round < Rounds; round++)
        {
            await RaceAsync(_client, _client);
        }
    }

    [Fact]
    public async Task Update_TwoServersRacingWithSameIfMatch_ExactlyOneWinsAndNoVersionIsLost()
    {
        var second = fixture.CreateSecondServerClient();
        for (var round = 0; round < Rounds; round++)
        {
            await RaceAsync(_client, second);
        }
    }

    [Fact]
    public async Task Update_ManyConcurrentPutsWithoutIfMatch_EachGetsItsOwnVersion()
    {
        const int writers = 8;
        var id = "race-" + Guid.NewGuid().ToString("N");
        var second = fixture.CreateSecondServerClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, writers).Select(i =>
            (i % 2 == 0 ? _client : second).PutAsync($"/fhir/Patient/{id}", Fhir.Patient($"Writer-{i}", id), ifMatch: null)));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created, r.StatusCode.ToString()));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        var versions = responses.Select(r => r.Headers.ETag!.Tag).Order().ToList();
        Assert.Equal(Enumerable.Range(1, writers).Select(v => $"\"{v}\"").Order(), versions);
        using var history = await _client.GetAsync($"/fhir/Patient/{id}/_history");
        Assert.Equal(writers, (await history.BodyAsync())["entry"]!.AsArray().Count);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    /// <summary>One round: two PUTs with the same If-Match; exactly one wins and no version is lost.</summary>
    internal static async Task RaceAsync(HttpClient first, HttpClient second)
    {
        var id = (await first.CreatePatientAsync("Race")).Id();

        var responses = await Task.WhenAll(
            first.PutAsync($"/fhir/Patient/{id}", Fhir.Patient("Winner-A", id), "W/\"1\""),
            second.PutAsync($"/fhir/Patient/{id}", Fhir.Patient("Winner-B", id), "W/\"1\""));

        var statuses = responses.Select(r => r.StatusCode).Order().ToList();
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], statuses);
        var winner = responses[0].StatusCode == HttpStatusCode.OK ? "Winner-A" : "Winner-B";
        using var history = await first.GetAsync($"/fhir/Patient/{id}/_history");
        Assert.Equal(2, (await history.BodyAsync())["entry"]!.AsArray().Count);
        using var read = await second.GetAsync($"/fhir/Patient/{id}");
        var current = await read.BodyAsync();
        Assert.Equal("2", current.VersionId());
        Assert.Equal(winner, (string?)current["name"]![0]!["family"]);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }
}

public sealed class SqliteConcurrencyTests(SqliteFixture fixture) : ConcurrencyTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresConcurrencyTests(PostgresFixture fixture) : ConcurrencyTests(fixture), IClassFixture<PostgresFixture>;
