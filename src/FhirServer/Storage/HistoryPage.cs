using System.Globalization;

namespace FhirMh.FhirServer.Storage;

/// <summary>
/// A keyset position in history: versions older (or newer) than a row. Keyset paging keeps
/// pages stable while other clients write, which offsets would not.
/// </summary>
internal sealed record HistoryPage(long RowId, bool IsNewer)
{
    public string Token => (IsNewer ? "n" : "o") + RowId.ToString(CultureInfo.InvariantCulture);

    public static HistoryPage? Parse(string token) =>
        token.Length > 1 && token[0] is 'n' or 'o' &&
        long.TryParse(token.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var rowId)
            ? new HistoryPage(rowId, token[0] == 'n')
            : null;
}
