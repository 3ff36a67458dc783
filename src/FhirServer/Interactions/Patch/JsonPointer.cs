using System.Globalization;

namespace FhirMh.FhirServer.Interactions.Patch;

/// <summary>A JSON Pointer (RFC 6901): "" is the whole document, "/a/0/b~1c" the reference tokens a, 0, b/c.</summary>
internal sealed record JsonPointer(IReadOnlyList<string> Tokens)
{
    public bool IsRoot => Tokens.Count == 0;

    public string Last => Tokens[^1];

    public JsonPointer Parent => new(Tokens.Take(Tokens.Count - 1).ToList());

    /// <exception cref="FormatException">The text is not a JSON Pointer.</exception>
    public static JsonPointer Parse(string text)
    {
        if (text.Length == 0)
        {
            return new JsonPointer([]);
        }

        if (text[0] != '/')
        {
            throw new FormatException($"'{text}' is not a JSON Pointer: it must be empty or start with '/'.");
        }

        var tokens = text[1..].Split('/');
        foreach (var token in tokens)
        {
            for (var i = token.IndexOf('~', StringComparison.Ordinal); i >= 0; i = token.IndexOf('~', i + 1))
            {
                if (i + 1 >= token.Length || token[i + 1] is not ('0' or '1'))
                {
                    throw new FormatException($"'{text}' is not a JSON Pointer: '~' must be followed by 0 or 1 (RFC 6901 section 3).");
                }
            }
        }

        // Order matters: "~01" is "~1" unescaped once, not "/" (RFC 6901 section 4).
        return new JsonPointer(tokens.Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToList());
    }

    /// <summary>True when this pointer names <paramref name="other"/> or one of its descendants.</summary>
    public bool IsWithin(JsonPointer other) =>
        Tokens.Count >= other.Tokens.Count && other.Tokens.Select((t, i) => t == Tokens[i]).All(same => same);

    /// <summary>An array index token: digits without leading zeros (RFC 6901 section 4).</summary>
    public static bool TryIndex(string token, out int index)
    {
        index = -1;
        return token.Length > 0 && (token == "0" || token[0] != '0') &&
            int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    public override string ToString() => string.Concat(Tokens.Select(t => "/" + t.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));
}
