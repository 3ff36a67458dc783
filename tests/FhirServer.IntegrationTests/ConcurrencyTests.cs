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
            await IfMatchRace.RunAsync(_client, _client);
        }
    }

    [Fact]
    public async Task Update_TwoServersRacingWithSameIfMatch_ExactlyOneWinsAndNoVersionIsLost()
    {
        var second = fixture.CreateSecondServerClient();
        for (var round = 0; round < Rounds; round++)
        {
            await IfMatchRace.RunAsync(_client, second);
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
}

public sealed class SqliteConcurrencyTests(SqliteFixture fixture) : ConcurrencyTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresConcurrencyTests(PostgresFixture fixture) : ConcurrencyTests(fixture), IClassFixture<PostgresFixture>;
