using System.Globalization;

namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// An <c>If-Match</c> or <c>If-None-Match</c> value: <c>*</c> or a list of version ETags
/// (RFC 9110 13.1.1, 13.1.2; FHIR versions are weak ETags <c>W/"n"</c>, http.html#versioning).
/// </summary>
internal sealed record ETagCondition(bool IsAny, IReadOnlyList<int> Versions)
{
    /// <summary>Whether the condition names <paramref name="currentVersion"/> (null: no live resource).</summary>
    public bool Matches(int? currentVersion) => currentVersion is { } version && (IsAny || Versions.Contains(version));

    /// <summary>
    /// Parses <c>*</c> or a comma-separated list of entity tags. Tags compare as strings
    /// (RFC 9110 8.8.3.2), so only the canonical form of a version number can equal one of ours;
    /// any other well-formed tag is kept out of <see cref="Versions"/> and matches nothing.
    /// </summary>
    /// <returns>False when a tag is not an entity tag at all (no quotes).</returns>
    public static bool TryParse(string value, out ETagCondition condition)
    {
        if (value.Trim() == "*")
        {
            condition = new ETagCondition(IsAny: true, []);
            return true;
        }

        var versions = new List<int>();
        var isValid = true;
        foreach (var tag in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var text = tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;
            if (text.Length < 2 || text[0] != '"' || text[^1] != '"')
            {
                isValid = false;
                continue;
            }

            var opaque = text[1..^1];
            if (opaque.Length > 0 && opaque[0] != '0' &&
                int.TryParse(opaque, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                versions.Add(version);
            }
        }

        condition = new ETagCondition(IsAny: false, versions);
        return isValid;
    }

    public override string ToString() => IsAny ? "*" : string.Join(", ", Versions.Select(v => $"W/\"{v}\""));
}
