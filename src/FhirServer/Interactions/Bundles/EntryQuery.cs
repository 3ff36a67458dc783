namespace FhirMh.FhirServer.Interactions.Bundles;

/// <summary>The query string of a Bundle entry's URL or of a conditional reference, as name-value pairs in order.</summary>
internal static class EntryQuery
{
    /// <summary>
    /// Splits <c>a=1&amp;b=x%7Cy</c> into pairs, decoding each part as a browser's form would
    /// (<c>+</c> is a space, RFC 3986 percent-escapes). A name without <c>=</c> has an empty value.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string query)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? part : part[..equals];
            var value = equals < 0 ? string.Empty : part[(equals + 1)..];
            pairs.Add(new(Decode(name), Decode(value)));
        }

        return pairs;
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
