namespace FhirMh.FhirServer.Search.Parsing;

/// <summary>
/// A search, parsed (search.html): what to match, in which order, how much per page, and what
/// to add. <see cref="Applied"/> holds the parameters the server used, for the <c>self</c> link;
/// <see cref="Ignored"/> those it did not understand, reported back to the client.
/// </summary>
internal sealed record ParsedSearch(
    IReadOnlyList<string> ResourceTypes,
    IReadOnlyList<SearchCriterion> Criteria,
    IReadOnlyList<SortKey> Sort,
    int Count,
    TotalMode Total,
    IReadOnlyList<IncludeSpec> Includes,
    IReadOnlyList<IncludeSpec> RevIncludes,
    string? PageToken,
    IReadOnlyList<KeyValuePair<string, string>> Applied,
    IReadOnlyList<string> Ignored);
