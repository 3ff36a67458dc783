using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Interactions.Bundles;
using FhirMh.FhirServer.Rest;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Tests;

/// <summary>Bundle.entry.request parsing: the URL forms of http.html#transaction, mapped onto the server's routes.</summary>
public sealed class EntryRequestTests
{
    private const string BaseUrl = "http://localhost/fhir";

    [Theory]
    [InlineData("GET", "metadata", "Capabilities", null, null, null)]
    [InlineData("GET", "_history", "HistorySystem", null, null, null)]
    [InlineData("GET", "Patient/_history", "HistoryType", "Patient", null, null)]
    [InlineData("GET", "Patient/p1", "Read", "Patient", "p1", null)]
    [InlineData("HEAD", "Patient/p1", "Read", "Patient", "p1", null)]
    [InlineData("GET", "Patient/p1/_history", "HistoryInstance", "Patient", "p1", null)]
    [InlineData("GET", "Patient/p1/_history/3", "VRead", "Patient", "p1", "3")]
    [InlineData("POST", "Patient", "Create", "Patient", null, null)]
    [InlineData("PUT", "Patient/p1", "Update", "Patient", "p1", null)]
    [InlineData("PATCH", "Patient/p1", "Patch", "Patient", "p1", null)]
    [InlineData("DELETE", "Patient/p1", "Delete", "Patient", "p1", null)]
    [InlineData("GET", "/Patient/p1", "Read", "Patient", "p1", null)]
    [InlineData("GET", "http://localhost/fhir/Patient/p1", "Read", "Patient", "p1", null)]
    [InlineData("GET", "Patient/p%2Dx", "Read", "Patient", "p-x", null)]
    public void Parse_SupportedUrl_GivesInteractionAndAddress(
        string method, string url, string interaction, string? type, string? id, string? versionId)
    {
        var parsed = EntryRequest.Parse(Entry(method, url), 0, BaseUrl);

        Assert.Equal(Enum.Parse<FhirInteraction>(interaction), parsed.Interaction);
        Assert.Equal(type, parsed.ResourceType);
        Assert.Equal(id, parsed.Id);
        Assert.Equal(versionId, parsed.VersionId);
    }

    [Fact]
    public void Parse_QueryString_BecomesDecodedParametersInOrder()
    {
        var parsed = EntryRequest.Parse(Entry("GET", "Patient/_history?_count=2&_since=2026-01-01T00%3A00%3A00%2B00%3A00&_count=3"), 0, BaseUrl);

        Assert.Equal(
            [new("_count", "2"), new("_since", "2026-01-01T00:00:00+00:00"), new("_count", "3")],
            parsed.Parameters);
    }

    [Fact]
    public void Parse_Headers_BecomePreconditionsAndIfNoneExist()
    {
        var entry = Entry("PUT", "Patient/p1");
        entry.Request!.IfMatch = "W/\"4\"";
        entry.Request.IfNoneMatch = "*";
        entry.Request.IfModifiedSince = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        entry.Request.IfNoneExist = "identifier=http://fhirmh.example/mrn|1";

        var parsed = EntryRequest.Parse(entry, 0, BaseUrl);

        Assert.Equal([4], parsed.Preconditions.IfMatch!.Versions);
        Assert.True(parsed.Preconditions.IfNoneMatch!.IsAny);
        Assert.Equal(NodaTime.Instant.FromUtc(2026, 1, 2, 3, 4, 5), parsed.Preconditions.IfModifiedSince);
        Assert.Equal("identifier=http://fhirmh.example/mrn|1", parsed.IfNoneExist);
    }

    [Theory]
    [InlineData("GET", "Patient/p1/_history/1/extra", "Bundle.entry[3].request.url")]
    [InlineData("POST", "", "Bundle.entry[3].request.url")]
    [InlineData("GET", "https://elsewhere.example/fhir/Patient/p1", "Bundle.entry[3].request.url")]
    [InlineData("GET", "Patient/not_an_id", "Bundle.entry[3].request.url")]
    [InlineData("DELETE", "Patient/_history", "Bundle.entry[3].request.url")]
    public void Parse_UnsupportedUrl_Is400NamingTheEntry(string method, string url, string expression)
    {
        var failure = Assert.Throws<FhirException>(() => EntryRequest.Parse(Entry(method, url), 3, BaseUrl));

        Assert.Equal(400, failure.StatusCode);
        Assert.Equal(expression, failure.Outcome.Issue[0].Expression.Single());
        Assert.StartsWith("Bundle.entry[3]", failure.Outcome.Issue[0].Diagnostics);
    }

    [Fact]
    public void Parse_UnknownResourceType_Is404NamingTheEntry()
    {
        var failure = Assert.Throws<FhirException>(() => EntryRequest.Parse(Entry("GET", "Unicorn/u1"), 1, BaseUrl));

        Assert.Equal(404, failure.StatusCode);
        Assert.Equal("Bundle.entry[1].request.url", failure.Outcome.Issue[0].Expression.Single());
    }

    [Fact]
    public void Parse_MalformedIfMatch_Is400AtTheField()
    {
        var entry = Entry("PUT", "Patient/p1");
        entry.Request!.IfMatch = "4";

        var failure = Assert.Throws<FhirException>(() => EntryRequest.Parse(entry, 2, BaseUrl));

        Assert.Equal("Bundle.entry[2].request.ifMatch", failure.Outcome.Issue[0].Expression.Single());
    }

    [Fact]
    public void Parse_NoRequest_Is400AtRequest()
    {
        var failure = Assert.Throws<FhirException>(() => EntryRequest.Parse(new Bundle.EntryComponent(), 0, BaseUrl));

        Assert.Equal("Bundle.entry[0].request", failure.Outcome.Issue[0].Expression.Single());
    }

    private static Bundle.EntryComponent Entry(string method, string url) => new()
    {
        Request = new Bundle.RequestComponent { Method = Enum.Parse<Bundle.HTTPVerb>(method), Url = url },
    };
}
