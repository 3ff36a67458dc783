using FhirMh.Registries.ClientRegistry;
using FhirMh.Registries.Matching;

namespace FhirMh.Registries.Tests.Matching;

/// <summary>Each comparator and level, through the default Patient rules.</summary>
public class ComparatorTests
{
    private static readonly RecordMatcher Matcher = new(DefaultRules.Patient);

    private static string Level(string field, string[] left, string[] right)
    {
        var a = Matcher.Prepare(Records.Make("a", (field, left)));
        var b = Matcher.Prepare(Records.Make("b", (field, right)));
        return Matcher.Score(a, b).Fields.Single(f => f.Field == field).Level;
    }

    private static string Level(string field, string left, string right) => Level(field, [left], [right]);

    [Theory]
    [InlineData("Smith", "SMITH", "exact")]
    [InlineData("Müller", "Muller", "exact")]
    [InlineData("O'Brien", "OBRIEN", "exact")]
    [InlineData("Martha", "Marhta", "similar")] // Jaro-Winkler 0.961 >= 0.94
    [InlineData("Dwayne", "Duane", "disagree")] // 0.840 < 0.88
    [InlineData("Jonson", "Johnston", "alike")] // 0.917: between 0.88 and 0.94
    [InlineData("Smith", "Nguyen", "disagree")]
    public void Name_Pairs_ReachLevel(string left, string right, string expected)
    {
        Assert.Equal(expected, Level("family", left, right));
    }

    [Theory]
    [InlineData("Bill", "William")]
    [InlineData("Bob", "Robert")]
    [InlineData("Liz", "Elizabeth")]
    [InlineData("Peggy", "Margaret")]
    [InlineData("Jack", "John")]
    [InlineData("Sandy", "Alexander")]
    public void Name_Nicknames_ReachFirstSimilarLevel(string nickname, string name)
    {
        Assert.Equal("similar", Level("given", nickname, name));
        Assert.Equal("similar", Level("given", name, nickname));
    }

    [Fact]
    public void Name_NicknameTable_HasAboutOneHundredFiftyGroups()
    {
        Assert.InRange(GivenNameEquivalents.GroupCount, 140, 250);
    }

    [Fact]
    public void Name_MultipleGivenNames_BestPairCounts()
    {
        Assert.Equal("exact", Level("given", ["Mary", "Anne"], ["Anne"]));
    }

    [Fact]
    public void Name_GivenAndFamilySwapped_BothAgree()
    {
        var a = Matcher.Prepare(Records.Make("a", ("family", ["Smith"]), ("given", ["John"])));
        var b = Matcher.Prepare(Records.Make("b", ("family", ["John"]), ("given", ["Smith"])));

        var fields = Matcher.Score(a, b).Fields;

        Assert.Equal("exact", fields.Single(f => f.Field == "family").Level);
        Assert.Equal("exact", fields.Single(f => f.Field == "given").Level);
        Assert.Equal(("SMITH", "SMITH"), (fields[0].Left, fields[0].Right));
    }

    [Fact]
    public void Name_OnlyOneFieldEqualsOthersOtherField_NotSwapped()
    {
        // James Thomas vs Thomas Smith: crossing would make given agree but family disagree, as straight.
        var a = Matcher.Prepare(Records.Make("a", ("family", ["Thomas"]), ("given", ["James"])));
        var b = Matcher.Prepare(Records.Make("b", ("family", ["Smith"]), ("given", ["Thomas"])));

        var fields = Matcher.Score(a, b).Fields;

        Assert.Equal("disagree", fields.Single(f => f.Field == "family").Level);
        Assert.Equal("disagree", fields.Single(f => f.Field == "given").Level);
    }

    [Theory]
    [InlineData("1980-05-17", "19800517", "exact")]
    [InlineData("1980-05-17", "1980-05-17T10:00:00Z", "exact")]
    [InlineData("1980-05-07", "1980-07-05", "dayMonthSwap")]
    [InlineData("1980-05-17", "1980-05-18", "oneDigitTypo")]
    [InlineData("1980-05-17", "1908-05-17", "oneDigitTypo")] // adjacent transposition
    [InlineData("1980", "1980-05-17", "yearOnly")]
    [InlineData("1980", "1980", "yearOnly")] // a year alone never agrees exactly
    [InlineData("1980-05", "1980-05-17", "yearOnly")]
    [InlineData("1980-05-17", "1980-11-30", "sameYear")]
    [InlineData("1980-05-17", "1975-01-01", "disagree")]
    [InlineData("1980-05-17", "not a date", "missing")]
    public void Date_Pairs_ReachLevel(string left, string right, string expected)
    {
        Assert.Equal(expected, Level("birthDate", left, right));
    }

    [Fact]
    public void Date_YearWithinOne_OptionalLevel()
    {
        var rules = MatchRules.Parse("""
            {
              "version": "t", "upperThreshold": 5, "lowerThreshold": 0, "priorMatchProbability": 0.01, "blockSizeCap": 10,
              "fields": [ { "name": "birthDate", "path": "Patient.birthDate", "comparator": "date", "levels": [
                { "name": "exact", "kind": "exact", "m": 0.9, "u": 0.001 },
                { "name": "near", "kind": "yearWithinOne", "m": 0.05, "u": 0.03 } ] } ],
              "blocking": []
            }
            """);
        var matcher = new RecordMatcher(rules);
        var a = matcher.Prepare(Records.Make("a", ("birthDate", ["1980-05-17"])));
        var b = matcher.Prepare(Records.Make("b", ("birthDate", ["1981-02-01"])));
        var c = matcher.Prepare(Records.Make("c", ("birthDate", ["1982-05-17"])));

        Assert.Equal("near", matcher.Score(a, b).Fields[0].Level);
        Assert.Equal("disagree", matcher.Score(a, c).Fields[0].Level);
    }

    [Theory]
    [InlineData("+61 2 9876 5432", "(02) 9876 5432", "exact")] // country code and trunk 0 ignored: last 8 digits
    [InlineData("0298765432", "0298765433", "oneDigitTypo")]
    [InlineData("0298765432", "0298765423", "oneDigitTypo")]
    [InlineData("0298765432", "0412345678", "disagree")]
    [InlineData("0298765432", "ext.", "missing")]
    public void Phone_Pairs_ReachLevel(string left, string right, string expected)
    {
        Assert.Equal(expected, Level("phone", left, right));
    }

    [Theory]
    [InlineData("http://ns.electronichealth.net.au/id/medicare-number|2123 45670 1", "http://ns.electronichealth.net.au/id/medicare-number|2123456701", "exact")]
    [InlineData("urn:mrn|A-1234567", "urn:mrn|A1234576", "typo")]
    [InlineData("urn:mrn|A1234567", "urn:mrn|A1234568", "typo")]
    [InlineData("urn:mrn|A1234567", "urn:mrn|B9999999", "disagree")]
    [InlineData("urn:mrn|A1234567", "urn:other|A1234567", "missing")] // no shared system: no evidence
    public void Identifier_Pairs_ReachLevel(string left, string right, string expected)
    {
        Assert.Equal(expected, Level("identifier", left, right));
    }

    [Fact]
    public void Identifier_SeveralSystems_OnlySharedSystemCompared()
    {
        Assert.Equal(
            "exact",
            Level("identifier", ["urn:mrn|111", "urn:ihi|8003608166690503"], ["urn:ihi|8003608166690503", "urn:dva|N123"]));
    }

    [Theory]
    [InlineData("postcode", "4223", "4223", "exact")]
    [InlineData("postcode", "4223", "4233", "similar")] // 1 - 1/4 = 0.75
    [InlineData("postcode", "4223", "3000", "disagree")]
    [InlineData("postcode", "4570", "4507", "similar")] // damerauLevenshtein: adjacent digits swapped, one edit
    [InlineData("postcode", "4570", "4075", "disagree")] // two edits: 0.5
    [InlineData("city", "Winston Hills", "winston  hils", "similar")] // Jaro-Winkler 0.98
    [InlineData("city", "Winston Hills", "Richlands", "disagree")]
    [InlineData("addressLine", "8 Stanley Street", "8 stanley street", "exact")]
    [InlineData("addressLine", "8 Stanley Street", "8 Stanley Setreet", "similar")] // 1 - 1/17
    [InlineData("addressLine", "8 Stanley Street", "18 Stanton Street", "alike")] // 1 - 4/17 = 0.76
    public void Text_Pairs_ReachLevel(string field, string left, string right, string expected)
    {
        Assert.Equal(expected, Level(field, left, right));
    }

    [Theory]
    [InlineData("male", "MALE", "exact")]
    [InlineData("male", "female", "disagree")]
    [InlineData("male", "", "missing")]
    public void Exact_Pairs_ReachLevel(string left, string right, string expected)
    {
        Assert.Equal(expected, Level("gender", left, right));
    }
}
