using System.Text.Json.Nodes;
using FhirMh.Benchmarks.Registry;

namespace FhirMh.Benchmarks.Tests.Registry;

public class PatientMappingTests
{
    private static readonly PersonRecord Febrl =
        FebrlDataset.ParseLine("rec-1070-org, michaela, neumann, 8, stanley street, miami, winston hills, 4223, nsw, 19151111, 5304218", RegistryDataset.SourceA)!;

    // FHIR R4 date: YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date (https://hl7.org/fhir/R4/datatypes.html#date).
    [Theory]
    [InlineData("19151111", "1915-11-11")]
    [InlineData("20000229", "2000-02-29")]
    [InlineData("19000229", null)] // 1900 is no leap year
    [InlineData("19561301", null)] // month 13, as in FEBRL's duplicates
    [InlineData("19560631", null)] // 31 June
    [InlineData("19560000", null)]
    [InlineData("198807", "1988-07")]
    [InlineData("1988", "1988")]
    [InlineData("0000", null)]
    [InlineData("1988-07-01", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void BirthDate_SourceText_IsFhirDateOrLeftOut(string? text, string? expected) =>
        Assert.Equal(expected, PatientMapping.BirthDate(text));

    [Fact]
    public void ToPatient_FebrlRecord_HasIdentifiersNameBirthDateAndAddress()
    {
        var patient = PatientMapping.ToPatient(Febrl, "AU");

        var expected = JsonNode.Parse("""
            {
              "resourceType": "Patient",
              "identifier": [
                {"system": "https://fhirmh.org/bench/source-a", "value": "FD09911BE4207"},
                {"system": "https://fhirmh.org/bench/national-id", "value": "5304218"}
              ],
              "name": [{"family": "neumann", "given": ["michaela"]}],
              "birthDate": "1915-11-11",
              "address": [{"line": ["8 stanley street", "miami"], "city": "winston hills", "state": "nsw", "postalCode": "4223", "country": "AU"}]
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, patient), patient.ToJsonString());
    }

    [Fact]
    public void ToPatient_SparseRecordWithInvalidDate_LeavesOutWhatIsMissing()
    {
        var record = Febrl.Sparse() with { BirthDate = "19561301", Given = null };

        var patient = PatientMapping.ToPatient(record, "AU");

        Assert.Single(patient["identifier"]!.AsArray());
        Assert.Null(patient["birthDate"]);
        Assert.Null(patient["name"]![0]!["given"]);
        Assert.Null(patient["address"]![0]!["line"]);
        Assert.Equal("winston hills", (string?)patient["address"]![0]!["city"]);
    }

    [Fact]
    public void ToPatient_StreetWithoutNumber_LineIsTheStreetAlone()
    {
        var patient = PatientMapping.ToPatient(Febrl with { StreetNumber = null, Address2 = null }, "AU");

        Assert.True(JsonNode.DeepEquals(new JsonArray("stanley street"), patient["address"]![0]!["line"]));
    }

    [Theory]
    [InlineData("m", "male")]
    [InlineData("F", "female")]
    [InlineData("u", null)]
    [InlineData(null, null)]
    public void ToPatient_Sex_IsAdministrativeGender(string? sex, string? gender)
    {
        var patient = PatientMapping.ToPatient(Febrl with { Sex = sex, Phone = "+263 77 123 4567" }, "ZW");

        Assert.Equal(gender, (string?)patient["gender"]);
        Assert.Equal("+263 77 123 4567", (string?)patient["telecom"]![0]!["value"]);
        Assert.Equal("phone", (string?)patient["telecom"]![0]!["system"]);
        Assert.Contains("\"+263 77 123 4567\"", patient.ToJsonString(PatientMapping.Json), StringComparison.Ordinal);
    }

    [Fact]
    public void ToQueryPatient_NoNationalId_HasNoIdentifierAtAll()
    {
        var query = PatientMapping.ToQueryPatient(Febrl.Sparse(), "AU");

        Assert.False(query.ContainsKey("identifier"));
        Assert.Equal("neumann", (string?)query["name"]![0]!["family"]);
    }

    [Fact]
    public void ToQueryPatient_WithNationalId_KeepsOnlyIt()
    {
        var query = PatientMapping.ToQueryPatient(Febrl, "AU");

        var identifier = Assert.Single(query["identifier"]!.AsArray());
        Assert.Equal(PatientMapping.NationalIdSystem, (string?)identifier!["system"]);
    }

    [Fact]
    public void ConditionalUpdatePath_EscapesSystemAndValue() =>
        Assert.Equal(
            "/fhir/Patient?identifier=https%3A%2F%2Ffhirmh.org%2Fbench%2Fsource-a%7CFD09911BE4207",
            PatientMapping.ConditionalUpdatePath(Febrl));
}
