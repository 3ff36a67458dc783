using FhirMh.FhirServer.Search.Parsing;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Search;

/// <summary>
/// A reference as search compares it (references.html, search.html#reference): a relative
/// <c>Type/id[/_history/v]</c> becomes type, id and version; an absolute URL, a URN or a
/// canonical keeps its URL, with a canonical's <c>|version</c> apart.
/// </summary>
internal sealed record ReferenceValue(string? TargetType, string? TargetId, string? Version, string? Url)
{
    /// <summary>
    /// What a reference search value other than <c>:identifier</c> asks for (search.html#reference),
    /// read once for the SQL predicate and for the in-memory subscription check alike: with a type
    /// modifier, that type and id; a bare id, that id in any type; else the reference, relative to
    /// <paramref name="baseUrl"/> when it is under it. Null when the value can match nothing.
    /// </summary>
    public static ReferenceValue? Sought(string? modifier, SearchValue value, string baseUrl)
    {
        var text = SearchEscaping.Unescape(value.Text);
        if (modifier is not null)
        {
            // subject:Patient=123, or subject:Patient=Patient/123
            return new(modifier, text.StartsWith(modifier + "/", StringComparison.Ordinal) ? text[(modifier.Length + 1)..] : text, null, null);
        }

        if (text.StartsWith(baseUrl + "/", StringComparison.Ordinal))
        {
            text = text[(baseUrl.Length + 1)..];
        }

        return text.Contains('/', StringComparison.Ordinal) || text.Contains(':', StringComparison.Ordinal)
            ? Parse(text)
            : new(null, text, null, null);
    }

    public static ReferenceValue? Parse(string text)
    {
        if (text.Length == 0 || text[0] == '#')
        {
            return null; // A contained resource is not a separate resource to search for.
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            var bar = text.IndexOf('|', StringComparison.Ordinal);
            return bar < 0 ? new ReferenceValue(null, null, null, text) : new ReferenceValue(null, null, text[(bar + 1)..], text[..bar]);
        }

        var parts = text.Split('/');
        if (parts.Length >= 2 && ModelInfo.IsKnownResource(parts[0]) && parts[1].Length > 0)
        {
            var version = parts.Length == 4 && parts[2] == "_history" ? parts[3] : null;
            if (parts.Length == 2 || version is not null)
            {
                return new ReferenceValue(parts[0], parts[1], version, null);
            }
        }

        return new ReferenceValue(null, null, null, text);
    }
}
