using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace FhirMh.FhirServer.Search.Paging;

/// <summary>
/// Where a page starts: the sort values and row of the boundary resource, and the direction
/// (after it for <c>next</c>, before it for <c>previous</c>). Keyset paging keeps links correct
/// while others write: a page is found by its boundary, not by an offset that inserts would move.
/// </summary>
internal sealed record SearchPageToken(bool IsBefore, long RowId, IReadOnlyList<string?> Keys)
{
    public string Encode()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new object?[] { IsBefore ? "p" : "n", RowId, Keys });
        return Base64Url.EncodeToString(json);
    }

    public static SearchPageToken? Decode(string token)
    {
        try
        {
            using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(token));
            var root = document.RootElement;
            if (root.GetArrayLength() != 3)
            {
                return null;
            }

            var keys = root[2].EnumerateArray().Select(k => k.ValueKind == JsonValueKind.Null ? null : k.GetString()).ToList();
            return new SearchPageToken(root[0].GetString() == "p", root[1].GetInt64(), keys);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or IndexOutOfRangeException or DecoderFallbackException)
        {
            return null;
        }
    }
}
