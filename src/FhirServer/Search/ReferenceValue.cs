using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Search;

/// <summary>
/// A reference as search compares it (references.html, search.html#reference): a relative
/// <c>Type/id[/_history/v]</c> becomes type, id and version; an absolute URL, a URN or a
/// canonical keeps its URL, with a canonical's <c>|version</c> apart.
/// </summary>
internal sealed record ReferenceValue(string? TargetType, string? TargetId, string? Version, string? Url)
{
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
