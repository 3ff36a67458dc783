namespace FhirMh.FhirServer.Search.Indexing;

/// <summary>
/// A reference parameter value (search.html#reference). References to this server are resolved
/// to type and id; anything else keeps its URL; a canonical keeps its <c>|version</c> apart.
/// </summary>
internal sealed class ReferenceIndexRow : IndexRow
{
    public string? TargetType { get; set; }

    public string? TargetId { get; set; }

    public string? TargetVersion { get; set; }

    /// <summary>An absolute URL not on this server, or a canonical URL without its version.</summary>
    public string? Url { get; set; }

    /// <summary>Reference.identifier, for the :identifier modifier.</summary>
    public string? IdentifierSystem { get; set; }

    public string? IdentifierValue { get; set; }
}
