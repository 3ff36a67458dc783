namespace FhirMh.FhirServer.Search.Sql;

/// <summary>
/// A criterion whose row ids a walk may take as its candidates (<see cref="Paging.RowIdWalk"/>).
/// </summary>
/// <param name="Key">Names the criterion among the searches of its type, for its count.</param>
/// <param name="RowIds">The row ids of its index rows; a row may come more than once.</param>
/// <param name="IsChain">Its rows are found through the targets of a chain, not read from one index.</param>
/// <param name="IsInRowIdOrder">Its index gives its rows in row id order whatever its value.</param>
internal sealed record WalkDriver(string Key, IQueryable<long> RowIds, bool IsChain, bool IsInRowIdOrder);
