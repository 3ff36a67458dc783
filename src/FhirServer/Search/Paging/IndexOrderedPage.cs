using FhirMh.FhirServer.Storage;

namespace FhirMh.FhirServer.Search.Paging;

/// <summary>
/// A page read in the search's sort order from an index that already holds that order, checking
/// candidates against the criteria as they come, rather than ranking every match and keeping the
/// first few: the cost then follows the page size, not the number of matches. The order and the
/// page tokens are those of <see cref="SortOrder"/>, so a search may go back and forth between
/// this reader and the general one from page to page.
/// </summary>
internal interface IIndexOrderedPage
{
    /// <summary>
    /// Up to <paramref name="take"/> matches after (or before, for a <c>previous</c> page) the
    /// token's boundary, in page order. <paramref name="matches"/>, the planner's statement, is
    /// built only by a reader that needs it: building the predicates of every criterion took a
    /// tenth of an identifier search that never used them.
    /// </summary>
    Task<List<MatchedRow>> TakeAsync(Lazy<IQueryable<ResourceRow>> matches, SearchPageToken? page, int take, CancellationToken cancellationToken);

    /// <summary>The sort values of a row of the last page read, as <see cref="SortOrder"/> writes them into page tokens.</summary>
    List<string?> KeysOf(long rowId);
}
