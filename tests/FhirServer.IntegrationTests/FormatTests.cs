using System.Net;
using System.Text;
using System.Xml.Linq;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>Content negotiation, XML, _pretty, _summary and _elements (http.html#mime-type, search.html#summary).</summary>
public abstract class FormatTests(StorageFixture fixture)
{
    private static readonly XNamespace FhirNs = "http://hl7.org/fhir";
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task XmlRoundTrip_CreateInXmlReadInXml_KeepsTheResource()
    {
        var patient = new Patient
        {
            Active = true,
            Name = [new HumanName { Family = "Lin", Given = ["Maya"] }],
            BirthDate = "1959-10-05",
            Identifier = [new Identifier("urn:oid:2.16.840.1.113883.4.1", "123-45-6789")],
        };
        var xml = new FhirXmlSerializer().SerializeToString(patient);
        using var create = await _client.PostAsync("/fhir/Patient", new StringContent(xml, Encoding.UTF8, Fhir.XmlType));
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var id = create.Headers.Location!.Segments[^3].TrimEnd('/');

        using var read = await _client.GetAsync($"/fhir/Patient/{id}", Fhir.XmlType);

        Assert.Equal("application/fhir+xml; charset=utf-8", read.Content.Headers.ContentType?.ToString());
        var roundTripped = new FhirXmlDeserializer().DeserializeResource(await read.Content.ReadAsStringAsync());
        var back = Assert.IsType<Patient>(roundTripped);
        Assert.Equal(id, back.Id);
        Assert.Equal("1", back.Meta?.VersionId);
        Assert.Equal("Lin", back.Name[0].Family);
        Assert.Equal("1959-10-05", back.BirthDate);
        Assert.Equal("123-45-6789", back.Identifier[0].Value);
    }

    [Theory]
    [InlineData("xml", "application/fhir+xml; charset=utf-8")]
    [InlineData("application/fhir+xml", "application/fhir+xml; charset=utf-8")]
    [InlineData("json", "application/fhir+json; charset=utf-8")]
    [InlineData("application/fhir+json", "application/fhir+json; charset=utf-8")]
    public async Task Read_FormatParameter_OverridesAccept(string format, string expectedContentType)
    {
        var id = (await _client.CreatePatientAsync("Shaw")).Id();
        var accept = expectedContentType.Contains("xml", StringComparison.Ordinal) ? Fhir.JsonType : Fhir.XmlType;

        using var response = await _client.GetAsync($"/fhir/Patient/{id}?_format={Uri.EscapeDataString(format)}", accept);

        Assert.Equal(expectedContentType, response.Content.Headers.ContentType?.ToString());
        Assert.Contains("Accept", response.Headers.Vary);
    }

    [Fact]
    public async Task Read_AcceptHtmlOnly_Returns406()
    {
        var id = (await _client.CreatePatientAsync("Widdowson")).Id();

        using var response = await _client.GetAsync($"/fhir/Patient/{id}", "text/html");

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
    }

    [Fact]
    public async Task Read_ErrorWithXmlAccept_ReturnsOperationOutcomeInXml()
    {
        using var response = await _client.GetAsync("/fhir/Patient/missing-one", Fhir.XmlType);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var root = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal(FhirNs + "OperationOutcome", root.Name);
    }

    [Fact]
    public async Task Read_Pretty_IndentsJsonAndXml()
    {
        var id = (await _client.CreatePatientAsync("Payne")).Id();

        using var json = await _client.GetAsync($"/fhir/Patient/{id}?_pretty=true");
        using var xml = await _client.GetAsync($"/fhir/Patient/{id}?_pretty=true&_format=xml");
        using var plain = await _client.GetAsync($"/fhir/Patient/{id}");

        Assert.Contains("\n  \"resourceType\"", await json.Content.ReadAsStringAsync());
        Assert.Contains("\n  <id", await xml.Content.ReadAsStringAsync());
        Assert.DoesNotContain("\n", await plain.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Read_SummaryTrue_KeepsSummaryElementsAndMarksSubsetted()
    {
        var id = await CreateDetailedPatientAsync();

        using var response = await _client.GetAsync($"/fhir/Patient/{id}?_summary=true");

        var body = await response.BodyAsync();
        Assert.NotNull(body["name"]);
        Assert.NotNull(body["birthDate"]);
        Assert.Null(body["text"]);
        Assert.Null(body["maritalStatus"]);
        Assert.Contains(body["meta"]!["tag"]!.AsArray(), t => (string?)t!["code"] == "SUBSETTED");
    }

    [Fact]
    public async Task Read_SummaryText_KeepsTextAndMandatoryOnly()
    {
        var id = await CreateDetailedPatientAsync();

        using var response = await _client.GetAsync($"/fhir/Patient/{id}?_summary=text");

        var body = await response.BodyAsync();
        Assert.NotNull(body["text"]);
        Assert.Equal(id, (string?)body["id"]);
        Assert.Null(body["name"]);
    }

    [Fact]
    public async Task Read_SummaryData_DropsTextOnly()
    {
        var id = await CreateDetailedPatientAsync();

        using var response = await _client.GetAsync($"/fhir/Patient/{id}?_summary=data");

        var body = await response.BodyAsync();
        Assert.Null(body["text"]);
        Assert.NotNull(body["maritalStatus"]);
    }

    [Fact]
    public async Task Read_SummaryCount_ReturnsOnlyTypeAndId()
    {
        var id = await CreateDetailedPatientAsync();

        using var response = await _client.GetAsync($"/fhir/Patient/{id}?_summary=count");

        var body = await response.BodyAsync();
        Assert.Equal(id, (string?)body["id"]);
        Assert.Null(body["name"]);
    }

    [Fact]
    public async Task Read_SummaryFalse_ReturnsEverything()
    {
        var id = await CreateDetailedPatientAsync();

        using var response = await _client.GetAsync($"/fhir/Patient/{id}?_summary=false");

        var body = await response.BodyAsync();
        Assert.NotNull(body["text"]);
        Assert.NotNull(body["maritalStatus"]);
    }

    [Fact]
    public async Task Read_Elements_ReturnsOnlyTheNamedElements()
    {
        var id = await CreateDetailedPatientAsync();

        using var response = await _client.GetAsync($"/fhir/Patient/{id}?_elements=name,gender");

        var body = await response.BodyAsync();
        Assert.NotNull(body["name"]);
        Assert.NotNull(body["gender"]);
        Assert.Null(body["birthDate"]);
        Assert.Null(body["maritalStatus"]);
    }

    [Fact]
    public async Task Read_BadSummary_Returns400()
    {
        var id = (await _client.CreatePatientAsync("Hamilton")).Id();

        using var response = await _client.GetAsync($"/fhir/Patient/{id}?_summary=most");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("_summary", (string?)(await response.SingleIssueAsync())["expression"]![0]);
    }

    private async Task<string> CreateDetailedPatientAsync()
    {
        using var response = await _client.PostAsync("/fhir/Patient", Fhir.Json("""
            {"resourceType":"Patient",
             "text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">Mae Jemison</div>"},
             "name":[{"family":"Jemison","given":["Mae"]}],
             "gender":"female","birthDate":"1956-10-17",
             "maritalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus","code":"U"}]}}
            """));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.BodyAsync()).Id();
    }
}

public sealed class SqliteFormatTests(SqliteFixture fixture) : FormatTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresFormatTests(PostgresFixture fixture) : FormatTests(fixture), IClassFixture<PostgresFixture>;
