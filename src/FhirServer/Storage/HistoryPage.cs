using System.Globalization;

namespace FhirMh.FhirServer.Storage;

/// <summary>
/// A keyset position in history: versions older (or newer) than a row, below the horizon of the
/// response the paging began with. Keyset paging keeps pages stable while other clients write,
/// which offsets would not; the horizon keeps every page to the one set of versions that had
/// committed when the first page was read, so writes between page requests wait for the next poll.
/// </summary>
internal sealed record HistoryPage(long RowId, bool IsNewer, Instant Horizon)
{
    private static readonly long MaxMicroseconds = Instant.MaxValue.ToUnixTimeTicks() / 10;

    /// <summary>For example <c>o1234.1767225600000000</c>: direction, row id, horizon in microseconds since 1970.</summary>
    public string Token =>
        string.Create(CultureInfo.InvariantCulture, $"{(IsNewer ? 'n' : 'o')}{RowId}.{Horizon.ToUnixTimeTicks() / 10}");

    public static HistoryPage? Parse(string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        return token.Length > 1 && token[0] is 'n' or 'o' && dot > 1 &&
            long.TryParse(token.AsSpan(1, dot - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var rowId) &&
            long.TryParse(token.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds) &&
            microseconds <= MaxMicroseconds
                ? new HistoryPage(rowId, token[0] == 'n', Instant.FromUnixTimeTicks(microseconds * 10))
                : null;
    }
}
