using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search;
using FhirMh.FhirServer.Search.Paging;
using FhirMh.FhirServer.Search.Parsing;
using FhirMh.FhirServer.Search.Sql;
using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// The search behind conditional create, update, delete and patch (http.html#ccreate and
/// following). Criteria are parsed strictly: an ignored parameter would widen the match.
/// </summary>
internal sealed class ConditionalMatches(SearchParser parser, SearchQueryBuilder builder, FhirDbContext db, CriterionCounts counts, IOptions<SearchOptions> options)
{
    /// <summary>
    /// Up to <paramref name="limit"/> ids of current resources of the type that match the criteria,
    /// the first in the search's default order: found like a search's first page, by a walk
    /// (<see cref="RowIdWalk"/>) where one applies, such as the identifier of ITI-104's
    /// <c>PUT Patient?identifier=</c>, else by the planner.
    /// </summary>
    public async Task<List<string>> FindAsync(string type, IReadOnlyList<KeyValuePair<string, string>> criteria, string baseUrl, int limit, CancellationToken cancellationToken)
    {
        var search = parser.Parse([type], criteria, isStrict: true);
        if (search.Criteria.Count == 0)
        {
            throw FhirException.BadRequest($"A conditional interaction on {type} needs search criteria; without them it would match every resource.");
        }

        var matches = await builder.PrepareAsync([type], search.Criteria, baseUrl, cancellationToken);
        if (await RowIdWalk.ForAsync(builder, db, counts, type, search, search.Criteria, null, baseUrl, options.Value.RowIdWalkBudget, cancellationToken) is { } walk)
        {
            return [.. (await walk.TakeAsync(matches, null, limit, cancellationToken)).Select(r => r.ResourceId)];
        }

        return await matches.Value
            .OrderBy(r => r.RowId)
            .Select(r => r.ResourceId)
            .Take(limit)
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Serialises conditional writes with the same criteria until the enclosing transaction ends,
    /// so two identical conditional creates cannot both see "no match" and both create. On
    /// PostgreSQL this is a transaction-scoped advisory lock, which holds across server processes;
    /// on SQLite the store transaction already holds the one write turn.
    /// </summary>
    public Task LockAsync(string type, IReadOnlyList<KeyValuePair<string, string>> criteria, CancellationToken cancellationToken) =>
        TransactionLocks.TakeAsync(
            db,
            [type + "?" + string.Join('&', criteria.OrderBy(c => c.Key, StringComparer.Ordinal).ThenBy(c => c.Value, StringComparer.Ordinal).Select(c => c.Key + "=" + c.Value))],
            cancellationToken);

    /// <summary>The criteria of a conditional update, patch or delete: its query without the parameters about the response.</summary>
    public static List<KeyValuePair<string, string>> Criteria(FhirRequest request) =>
        request.Parameters.Where(p => !SearchParser.OutputParameters.Contains(p.Key)).ToList();

    /// <summary>Reads the criteria of an If-None-Exist header (a query string without the '?').</summary>
    public static List<KeyValuePair<string, string>> ParseQuery(string query)
    {
        var parsed = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query.StartsWith('?') ? query : "?" + query);
        return parsed.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? string.Empty))).ToList();
    }
}
