using System.Net;
using NodaTime;
using NodaTime.Text;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary><c>History:HorizonLag</c>: a history response's horizon stays that far behind the server's clock.</summary>
public abstract class HistoryHorizonLagTests(StorageFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task TypeHistory_HorizonLagOfAnHour_LeavesAVersionJustWrittenToALaterPoll()
    {
        using var created = await _client.PostAsync("/fhir/Endpoint", Fhir.Json(
            """{"resourceType":"Endpoint","status":"active","connectionType":{"code":"hl7-fhir-rest"},"payloadType":[{"text":"FHIR"}],"address":"https://example.org/fhir"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var endpoint = await created.BodyAsync();

        using var response = await _client.GetAsync("/fhir/Endpoint/_history?_count=1000");

        var history = await response.BodyAsync();
        Assert.DoesNotContain(endpoint.Id(), history.Entries().Select(e => (string?)e["resource"]?["id"]));
        Assert.True(
            ParseInstant((string)history["meta"]!["lastUpdated"]!) <= ParseInstant((string)endpoint["meta"]!["lastUpdated"]!),
            $"horizon {history["meta"]!["lastUpdated"]}, version {endpoint["meta"]!["lastUpdated"]}");
    }

    private static Instant ParseInstant(string value) => OffsetDateTimePattern.ExtendedIso.Parse(value).GetValueOrThrow().ToInstant();
}

public sealed class SqliteHistoryHorizonLagTests(HorizonLagSqliteFixture fixture) : HistoryHorizonLagTests(fixture), IClassFixture<HorizonLagSqliteFixture>;

public sealed class PostgresHistoryHorizonLagTests(HorizonLagPostgresFixture fixture) : HistoryHorizonLagTests(fixture), IClassFixture<HorizonLagPostgresFixture>;
