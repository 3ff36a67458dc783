using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// A searchset Bundle whose match and include entries are still the stored JSON, so that a JSON
/// response can stream them unparsed. <see cref="Shell"/> carries type, total, links and the
/// outcome entry, if any.
/// </summary>
internal sealed record Searchset(Bundle Shell, IReadOnlyList<SearchsetEntry> Entries);

/// <summary>One match or include of a <see cref="Searchset"/>.</summary>
internal sealed record SearchsetEntry(string FullUrl, string Json, Bundle.SearchEntryMode Mode)
{
    /// <summary>
    /// Kilometres from the point of a <c>near</c> search, reported with the location-distance
    /// extension on <c>entry.search</c> (search.html#special).
    /// </summary>
    public double? Distance { get; init; }

    /// <summary>The stored row, for the audit trail to find whose data the entry is.</summary>
    public long RowId { get; init; }

    /// <summary>The whole <c>search</c> element when an entry carries more than its mode (a score, extensions), as <c>Patient/$match</c> gives.</summary>
    public Bundle.SearchComponent? Search { get; init; }

    public static SearchsetEntry Of(string baseUrl, Search.MatchedRow row, Bundle.SearchEntryMode mode) =>
        new($"{baseUrl}/{row.ResourceType}/{row.ResourceId}", row.Json, mode) { RowId = row.RowId };
}
