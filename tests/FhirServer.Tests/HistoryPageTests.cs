using FhirMh.FhirServer.Storage;
using NodaTime;

namespace FhirMh.FhirServer.Tests;

public sealed class HistoryPageTests
{
    [Theory]
    [InlineData(42L, false, 1_767_225_600_000_000L)]
    [InlineData(7L, true, 1_767_225_600_123_456L)]
    public void Token_ParsedBack_GivesTheSamePage(long rowId, bool isNewer, long horizonMicroseconds)
    {
        var page = new HistoryPage(rowId, isNewer, Instant.FromUnixTimeTicks(horizonMicroseconds * 10));

        Assert.Equal(page, HistoryPage.Parse(page.Token));
    }

    [Theory]
    [InlineData("")]
    [InlineData("o")]
    [InlineData("x12.5")]
    [InlineData("o-1.5")]
    [InlineData("o12")]
    [InlineData("o12.")]
    [InlineData("o.5")]
    [InlineData("n1.-5")]
    [InlineData("n1.5.5")]
    [InlineData("o1.999999999999999999")]
    public void Parse_ForeignToken_IsNull(string token) => Assert.Null(HistoryPage.Parse(token));
}
