using System.Net;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>Two clients updating one resource with the same If-Match, as the concurrency tests race them.</summary>
internal static class IfMatchRace
{
    /// <summary>One round: two PUTs with the same If-Match; exactly one wins and no version is lost.</summary>
    public static async Task RunAsync(HttpClient first, HttpClient second)
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
