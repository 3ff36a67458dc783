using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Search;

/// <summary>A resource a search found, with its stored JSON.</summary>
internal sealed record MatchedRow(long RowId, string ResourceType, string ResourceId, string Json)
{
    /// <summary>
    /// The rows of <paramref name="found"/> in that order, read with their JSON; a row superseded or
    /// deleted since it was found is left out rather than shown as it was.
    /// </summary>
    public static async Task<List<MatchedRow>> ReadCurrentAsync(FhirDbContext db, List<long> found, CancellationToken cancellationToken)
    {
        var rows = await db.Resources.Where(r => found.Contains(r.RowId) && r.IsCurrent && !r.IsDeleted)
            .Select(r => new MatchedRow(r.RowId, r.ResourceType, r.ResourceId, r.Json!))
            .ToDictionaryAsync(r => r.RowId, cancellationToken);
        return [.. found.Where(rows.ContainsKey).Select(id => rows[id])];
    }
}
