namespace FhirMh.FhirServer.Search.Indexing;

/// <summary>Narrows an index table to one parameter, of one type when the search has a single type.</summary>
internal static class IndexRowQueries
{
    public static IQueryable<T> OfParameter<T>(this IQueryable<T> set, string? type, string code)
        where T : IndexRow =>
        type is null ? set.Where(x => x.Param == code) : set.Where(x => x.ResourceType == type && x.Param == code);

    /// <summary>
    /// One parameter's values, for probes of a single row's own values (<c>x.RowId == r.RowId</c>):
    /// the primary key (row id, parameter) finds them. Row ids are unique across types, so the type
    /// adds nothing; with it, the value indexes (type, parameter, value...) became candidates too,
    /// and SQLite, without statistics, took one for the order it gives and scanned it for every row.
    /// </summary>
    public static IQueryable<T> OfRowParameter<T>(this IQueryable<T> set, string code)
        where T : IndexRow =>
        set.OfParameter(null, code);
}
