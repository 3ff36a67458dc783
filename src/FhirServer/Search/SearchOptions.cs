using NodaTime;

namespace FhirMh.FhirServer.Search;

/// <summary>Search settings (section <c>Search</c> of the configuration).</summary>
internal sealed class SearchOptions
{
    public const string SectionName = "Search";

    /// <summary>Page size when the client sends no <c>_count</c>.</summary>
    public int DefaultCount { get; set; } = 20;

    /// <summary>Largest page; a larger <c>_count</c> is lowered to it (search.html#count).</summary>
    public int MaxCount { get; set; } = 1000;

    /// <summary>Most resources added to one page by <c>_include</c> and <c>_revinclude</c> together.</summary>
    public int MaxIncluded { get; set; } = 1000;

    /// <summary>How many rounds <c>:iterate</c> follows.</summary>
    public int MaxIterations { get; set; } = 4;

    /// <summary>
    /// The IANA time zone of the directory's opening hours: availableTime holds wall-clock times
    /// without a zone, and <c>open-at</c> reads its value in this zone.
    /// </summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>
    /// How many rows of the date index a search sorted by one date parameter walks, for each match
    /// its page needs, before it leaves the rest of the page to the database's planner
    /// (<see cref="Paging.DateSortPage"/>): at 20, a page of ten is walked while one row in twenty
    /// or more matches, and the sparser matches are ranked. Each row costs a few index probes;
    /// 0 ranks every page.
    /// </summary>
    public int DateSortWalk { get; set; } = 20;

    /// <summary>
    /// How many candidates a search with several criteria or a chain checks one by one, in row id
    /// order from its smallest indexed criterion or else from the type's live rows
    /// (<see cref="Paging.RowIdWalk"/>), before it leaves the rest of the page to the database's
    /// planner. A chain drives the walk only with fewer rows than this. Each candidate costs a few
    /// index probes (about 20 µs on PostgreSQL); 0 leaves every such page to the planner.
    /// </summary>
    public int RowIdWalkBudget { get; set; } = 1_000;

    /// <summary>The radius of a <c>near</c> search that gives no distance, in kilometres.</summary>
    public double NearDefaultDistance { get; set; } = 25;

    /// <summary>The time zone named by <see cref="TimeZone"/>.</summary>
    /// <exception cref="InvalidOperationException">The name is not in the IANA time zone database.</exception>
    public DateTimeZone Zone() =>
        DateTimeZoneProviders.Tzdb.GetZoneOrNull(TimeZone)
        ?? throw new InvalidOperationException($"Search:TimeZone '{TimeZone}' is not an IANA time zone (e.g. Europe/Paris, America/Toronto).");

    /// <summary>Whether a conditional delete may delete several matches (http.html#cdelete); otherwise several matches are a 412.</summary>
    public bool AllowMultipleConditionalDelete { get; set; }
}
