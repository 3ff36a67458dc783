namespace FhirMh.FhirServer.Search.Indexing;

/// <summary>Narrows an index table to one parameter, of one type when the search has a single type.</summary>
internal static class IndexRowQueries
{
    public static IQueryable<T> OfParameter<T>(this IQueryable<T> set, string? type, string code)
        where T : IndexRow =>
        type is null ? set.Where(x => x.Param == code) : set.Where(x => x.ResourceType == type && x.Param == code);
}
