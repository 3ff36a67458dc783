using FhirMh.FhirServer.Storage;

namespace FhirMh.FhirServer.Tests;

public sealed class HistoryPageTests
{
    [Theory]
    [InlineData(42L, false)]
    [InlineData(7L, true)]
    public void Token_ParsedBack_GivesTheSamePage(long rowId, bool isNewer)
    {
        var page = new HistoryPage(rowId, isNewer);

        Assert.Equal(page, HistoryPage.Parse(page.Token));
    }

    [Theory]
    [InlineData("")]
    [InlineData("o")]
    [InlineData("x12")]
    [InlineData("o-1")]
    [InlineData("n1.5")]
    public void Parse_ForeignToken_IsNull(string token) => Assert.Null(HistoryPage.Parse(token));
}
