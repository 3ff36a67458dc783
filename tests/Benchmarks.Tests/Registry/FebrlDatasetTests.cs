using FhirMh.Benchmarks.Registry;

namespace FhirMh.Benchmarks.Tests.Registry;

/// <summary>Lines in the shape of ../shared/data/febrl (README there); the first data line is dataset4a.csv's.</summary>
public class FebrlDatasetTests
{
    private const string Header = "rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id";

    [Theory]
    [InlineData("rec-1070-org", 1070)]
    [InlineData("rec-552-dup-3", 552)]
    [InlineData("rec-0-dup-0", 0)]
    [InlineData("rec-x-org", null)]
    [InlineData("rec-12-dup", null)]
    [InlineData("rec-12-copy-1", null)]
    [InlineData("12", null)]
    public void PersonKey_RecordId_IsTheNumberOfThePerson(string recordId, int? expected) =>
        Assert.Equal(expected, FebrlDataset.PersonKey(recordId));

    [Fact]
    public void Parse_DataLine_ReadsEveryFieldAsTextWithoutTheSpaceAfterCommas()
    {
        var records = FebrlDataset.Parse(
            [Header, "rec-1070-org, michaela, neumann, 8, stanley street, miami, winston hills, 4223, nsw, 19151111, 5304218"],
            RegistryDataset.SourceA, "test");

        var record = Assert.Single(records);
        Assert.Equal(
            new PersonRecord(FebrlDataset.OpaqueRecordId("rec-1070-org"), 1070, RegistryDataset.SourceA, "michaela", "neumann", "8", "stanley street", "miami", "winston hills", "4223", "nsw", "19151111", "5304218"),
            record);
    }

    [Fact]
    public void Parse_EmptyFieldsAndLeadingZeros_MissingIsNullAndZerosStay()
    {
        var records = FebrlDataset.Parse(
            [Header, "rec-7-dup-2, ann, , , , , darwin, 0800, nt, 19561301, 0012345", ""],
            RegistryDataset.SourceB, "test");

        var record = Assert.Single(records);
        Assert.Equal((7, RegistryDataset.SourceB), (record.PersonKey, record.SourceSystem));
        Assert.Null(record.Family);
        Assert.Null(record.StreetNumber);
        Assert.Null(record.Address1);
        Assert.Equal("0800", record.Postcode);
        Assert.Equal("0012345", record.SocSecId);
        Assert.Equal("19561301", record.BirthDate); // kept as written; the mapping leaves month 13 out
    }

    [Fact]
    public void Parse_NotFebrlHeader_Throws() =>
        Assert.Throws<FormatException>(() => FebrlDataset.Parse(["id, name", "rec-1-org, a"], RegistryDataset.SourceA, "test"));

    [Fact]
    public void Parse_LineWithMissingField_ThrowsWithLineNumber()
    {
        var error = Assert.Throws<FormatException>(() =>
            FebrlDataset.Parse([Header, "rec-1-org, ann, lee, 1, x street, , suburb, 2000, nsw, 19500101"], RegistryDataset.SourceA, "d.csv"));

        Assert.Contains("d.csv line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sparse_Record_DropsNationalIdStreetNumberAndAddressLines()
    {
        var record = FebrlDataset.ParseLine("rec-1070-org, michaela, neumann, 8, stanley street, miami, winston hills, 4223, nsw, 19151111, 5304218", RegistryDataset.SourceA)!;

        var sparse = record.Sparse();

        Assert.Equal((null, null, null, null), (sparse.SocSecId, sparse.StreetNumber, sparse.Address1, sparse.Address2));
        Assert.Equal(("michaela", "neumann", "winston hills", "4223", "nsw", "19151111"), (sparse.Given, sparse.Family, sparse.Suburb, sparse.Postcode, sparse.State, sparse.BirthDate));
    }

    [Fact]
    public void ParseLine_RecordsOfOnePerson_GetRecordNumbersThatDoNotNameIt()
    {
        var first = FebrlDataset.ParseLine("rec-10-dup-0, ann, lee, 1, x street, , suburb, 2000, nsw, 19500101, 1", RegistryDataset.SourceA)!;
        var second = FebrlDataset.ParseLine("rec-10-dup-1, ann, lee, 1, x street, , suburb, 2000, nsw, 19500101, 1", RegistryDataset.SourceA)!;

        Assert.Equal(first.PersonKey, second.PersonKey);
        Assert.True(Differences(first.RecordId, second.RecordId) > 2, $"{first.RecordId} {second.RecordId}");
        Assert.Equal(first.RecordId, FebrlDataset.ParseLine("rec-10-dup-0, x, y, , , , , , , , ", RegistryDataset.SourceA)!.RecordId);
    }

    private static int Differences(string a, string b) => a.Zip(b).Count(p => p.First != p.Second) + Math.Abs(a.Length - b.Length);
}

