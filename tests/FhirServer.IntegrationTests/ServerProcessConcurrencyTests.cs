using System.Net;
using System.Text.Json.Nodes;
using FhirMh.Testing;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// Two real server processes on one PostgreSQL database, started together (so their migrations
/// race too, and so does seeding): writers in different processes are ordered by the database alone.
/// </summary>
public sealed class ServerProcessConcurrencyTests : IAsyncLifetime
{
    private readonly List<ServerProcess> _servers = [];
    private readonly List<HttpClient> _clients = [];

    public async Task InitializeAsync()
    {
        var postgres = await SharedPostgres.GetAsync();
        var database = "fhirmh_processes_" + Guid.NewGuid().ToString("N")[..8];
        await postgres.CreateDatabaseAsync(database, CancellationToken.None);
        var serverDll = Path.Combine(AppContext.BaseDirectory, "FhirMh.FhirServer.dll");
        var started = await Task.WhenAll(
            ServerProcess.StartAsync(serverDll, "Postgres", postgres.ConnectionString(database), CancellationToken.None),
            ServerProcess.StartAsync(serverDll, "Postgres", postgres.ConnectionString(database), CancellationToken.None));
        _servers.AddRange(started);
        _clients.AddRange(started.Select(s => new HttpClient { BaseAddress = new Uri(s.BaseUrl) }));
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Update_TwoServerProcessesRacingWithSameIfMatch_ExactlyOneWinsAndNoVersionIsLost()
    {
        for (var round = 0; round < 10; round++)
        {
            await IfMatchRace.RunAsync(_clients[0], _clients[1]);
        }
    }

    [Fact]
    public async Task ConditionalCreate_32IdenticalAcrossTwoServerProcesses_MakeExactlyOneResource()
    {
        var mrn = Guid.NewGuid().ToString("N");
        var responses = await Task.WhenAll(Enumerable.Range(0, 32).Select(async i =>
        {
            var patient = new JsonObject
            {
                ["resourceType"] = "Patient",
                ["identifier"] = new JsonArray(new JsonObject { ["system"] = "http://example.org/mrn", ["value"] = mrn }),
            };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/fhir/Patient") { Content = Fhir.Json(patient) };
            request.Headers.Add("If-None-Exist", $"identifier=http://example.org/mrn|{mrn}");
            using var response = await _clients[i % 2].SendAsync(request);
            return response.StatusCode;
        }));

        using var search = await _clients[0].GetAsync($"/fhir/Patient?identifier=http://example.org/mrn|{mrn}");
        var bundle = await search.BodyAsync();
        Assert.Single(responses, s => s == HttpStatusCode.Created);
        Assert.Equal(31, responses.Count(s => s == HttpStatusCode.OK));
        Assert.Single(bundle["entry"]!.AsArray());
    }

    [Theory]
    [InlineData("phq-9")]
    [InlineData("gad-7")]
    public async Task Seeds_TwoServerProcessesStartingTogether_StoreOneVersionOfEach(string id)
    {
        using var search = await _clients[1].GetAsync($"/fhir/Questionnaire?url=https://fhirmh.org/fhir/Questionnaire/{id}");
        using var history = await _clients[0].GetAsync($"/fhir/Questionnaire/{id}/_history");

        Assert.Equal(id, (string?)Assert.Single((await search.BodyAsync())["entry"]!.AsArray())!["resource"]!["id"]);
        Assert.Single((await history.BodyAsync())["entry"]!.AsArray());
    }
}
