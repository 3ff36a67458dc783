using FhirMh.FhirServer.Search.Indexing;
using FhirMh.FhirServer.Search.Parsing;
using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Search;

/// <summary>
/// <c>_include</c> and <c>_revinclude</c> (search.html#include) as set-based follow-up queries:
/// one query per parameter and round over all rows of the page, never one per resource.
/// <c>:iterate</c> repeats on what the previous round added, up to a configured number of rounds.
/// </summary>
internal sealed class SearchIncludes(FhirDbContext db, SearchOptions options)
{
    public async Task<List<MatchedRow>> ReadAsync(List<MatchedRow> matches, ParsedSearch search, CancellationToken cancellationToken)
    {
        var added = new List<MatchedRow>();
        if (search.Includes.Count == 0 && search.RevIncludes.Count == 0)
        {
            return added;
        }

        var seen = matches.Select(r => r.RowId).ToHashSet();
        var frontier = matches;
        for (var round = 0; round < options.MaxIterations && frontier.Count > 0 && added.Count < options.MaxIncluded; round++)
        {
            var next = new List<MatchedRow>();
            foreach (var include in search.Includes.Where(i => round == 0 || i.IsIterate))
            {
                Add(await IncludeAsync(frontier, include, options.MaxIncluded - added.Count, cancellationToken), seen, next);
            }

            foreach (var include in search.RevIncludes.Where(i => round == 0 || i.IsIterate))
            {
                Add(await RevIncludeAsync(frontier, include, options.MaxIncluded - added.Count, cancellationToken), seen, next);
            }

            added.AddRange(next.Take(options.MaxIncluded - added.Count));
            frontier = next;
        }

        return added;
    }

    private static void Add(List<MatchedRow> rows, HashSet<long> seen, List<MatchedRow> next)
    {
        foreach (var row in rows)
        {
            if (seen.Add(row.RowId))
            {
                next.Add(row);
            }
        }
    }

    /// <summary>The resources the page's resources refer to through the parameter.</summary>
    private Task<List<MatchedRow>> IncludeAsync(List<MatchedRow> frontier, IncludeSpec include, int limit, CancellationToken cancellationToken)
    {
        var sources = frontier.Where(r => include.SourceType == "*" || r.ResourceType == include.SourceType).Select(r => r.RowId).ToList();
        var references = db.ReferenceIndex.Where(x => sources.Contains(x.RowId) && x.TargetId != null);
        if (include.Parameter is { } parameter)
        {
            references = references.Where(x => x.Param == parameter);
        }

        if (include.TargetType is { } target)
        {
            references = references.Where(x => x.TargetType == target);
        }

        return ReadTargetsAsync(db, references, limit, cancellationToken);
    }

    /// <summary>
    /// The current resources the reference rows point to. The targets are read first (a page's
    /// worth) and then fetched by type and id: matching every resource against the references
    /// instead made SQLite scan the whole table.
    /// </summary>
    public static async Task<List<MatchedRow>> ReadTargetsAsync(
        FhirDbContext db, IQueryable<ReferenceIndexRow> references, int limit, CancellationToken cancellationToken)
    {
        var targets = await references
            .Where(x => x.TargetType != null && x.TargetId != null)
            .Select(x => new { x.TargetType, x.TargetId })
            .Distinct()
            .Take(Math.Max(limit, 0) * 4)
            .ToListAsync(cancellationToken);
        var found = new List<MatchedRow>();
        foreach (var group in targets.GroupBy(t => t.TargetType!))
        {
            var type = group.Key;
            var ids = group.Select(t => t.TargetId!).ToList();
            found.AddRange(await Read(db.Resources.Where(r => r.ResourceType == type && ids.Contains(r.ResourceId)), limit - found.Count, cancellationToken));
        }

        return found.OrderBy(r => r.RowId).ToList();
    }

    /// <summary>The resources of the source type that refer to the page's resources through the parameter.</summary>
    private async Task<List<MatchedRow>> RevIncludeAsync(List<MatchedRow> frontier, IncludeSpec include, int limit, CancellationToken cancellationToken)
    {
        var found = new List<MatchedRow>();
        foreach (var group in frontier.GroupBy(r => r.ResourceType))
        {
            var type = group.Key;
            var ids = group.Select(r => r.ResourceId).ToList();
            var references = db.ReferenceIndex.Where(x => x.TargetType == type && ids.Contains(x.TargetId!));
            if (include.SourceType != "*")
            {
                var source = include.SourceType;
                references = references.Where(x => x.ResourceType == source);
            }

            if (include.Parameter is { } parameter)
            {
                references = references.Where(x => x.Param == parameter);
            }

            found.AddRange(await Read(db.Resources.Where(r => references.Any(x => x.RowId == r.RowId)), limit - found.Count, cancellationToken));
        }

        return found;
    }

    private static Task<List<MatchedRow>> Read(IQueryable<ResourceRow> rows, int limit, CancellationToken cancellationToken) =>
        rows.Where(r => r.IsCurrent && !r.IsDeleted)
            .OrderBy(r => r.RowId)
            .Take(Math.Max(limit, 0))
            .Select(r => new MatchedRow(r.RowId, r.ResourceType, r.ResourceId, r.Json!))
            .ToListAsync(cancellationToken);
}
