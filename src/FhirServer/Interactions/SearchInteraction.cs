using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search;
using FhirMh.FhirServer.Search.Paging;
using FhirMh.FhirServer.Search.Parsing;
using FhirMh.FhirServer.Search.Sql;
using FhirMh.FhirServer.Search.Stored;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// search at type, system and compartment level (http.html#search, search.html): a searchset
/// Bundle with matches, then included resources, keyset paging links and, when asked, a total.
/// </summary>
internal sealed class SearchInteraction(
    SearchParser parser,
    SearchQueryBuilder builder,
    CompartmentDefinitions compartments,
    FhirDbContext db,
    StoredSearchParameters storedParameters,
    IOptions<SearchOptions> options,
    CriterionCounts counts,
    Security.AccessChecks access)
{
    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var types = TypesOf(request);
        var search = parser.Parse(types, request.Parameters, request.IsStrictHandling);
        var incomplete = IndexingWarnings.Of(search, storedParameters.Current);
        var criteria = search.Criteria.ToList();
        if (request.Interaction == FhirInteraction.SearchCompartment)
        {
            criteria.Add(compartments.Criterion(request.CompartmentType!, request.Id!, request.ResourceType!));
        }

        var matches = await builder.PrepareAsync(types, criteria, request.BaseUrl, cancellationToken);
        var single = types.Count == 1 ? types[0] : null;
        var order = new SortOrder(db, search.Sort);
        SearchPageToken? page = null;
        if (search.PageToken is { } token)
        {
            page = SearchPageToken.Decode(token) ?? throw FhirException.BadRequest($"'{token}' is not a page of this server's search results.", "_page");
        }

        // _summary=count: the number of matches and nothing else (search.html#summary).
        var isCountOnly = request.Parameter("_summary") == "count";
        if (isCountOnly)
        {
            search = search with { Count = 0, Total = TotalMode.Accurate };
        }

        var isBefore = page is { IsBefore: true };
        var nearest = NearestFirst.For(db, single, search.Sort);
        var indexOrdered = search.Count == 0 ? null
            : (IIndexOrderedPage?)nearest
              ?? (IIndexOrderedPage?)DateSortPage.For(db, single, search.Sort, page, () => builder.CheckedOneByOne(types, criteria, request.BaseUrl), options.Value.DateSortWalk)
              ?? await RowIdWalk.ForAsync(builder, db, counts, single, search, criteria, page, request.BaseUrl, options.Value.RowIdWalkBudget, cancellationToken);
        var rows = search.Count == 0 ? []
            : indexOrdered is not null ? await indexOrdered.TakeAsync(matches, page, search.Count + 1, cancellationToken)
            : await PageAsync(order, page is null ? matches.Value : order.From(matches.Value, page), isBefore, search.Count + 1, cancellationToken);
        var hasMore = rows.Count > search.Count;
        if (hasMore)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        if (isBefore)
        {
            rows.Reverse();
        }

        var bundle = new Bundle { Type = Bundle.BundleType.Searchset };
        if (search.Total != TotalMode.None)
        {
            // estimate is allowed to be exact (search.html#total).
            bundle.Total = await matches.Value.CountAsync(cancellationToken);
        }

        var distances = nearest?.Distances() ?? await DistancesAsync(search, rows, cancellationToken);
        var entries = rows.Select(row => SearchsetEntry.Of(request.BaseUrl, row, Bundle.SearchEntryMode.Match) with { Distance = distances.GetValueOrDefault(row.RowId) }).ToList();
        var included = await access.VisibleAsync(await new SearchIncludes(db, options.Value).ReadAsync(rows, search, cancellationToken), cancellationToken);
        entries.AddRange(included.Select(row => SearchsetEntry.Of(request.BaseUrl, row, Bundle.SearchEntryMode.Include)));

        if (search.Ignored.Count > 0 || incomplete.Count > 0)
        {
            // search.html#errors: parameters the server did not use are reported, not silently dropped.
            var outcome = new OperationOutcome();
            foreach (var ignored in search.Ignored)
            {
                outcome.Issue.Add(new OperationOutcome.IssueComponent
                {
                    Severity = OperationOutcome.IssueSeverity.Warning,
                    Code = OperationOutcome.IssueType.NotSupported,
                    Diagnostics = ignored + " It was ignored.",
                });
            }

            foreach (var warning in incomplete)
            {
                outcome.Issue.Add(new OperationOutcome.IssueComponent
                {
                    Severity = OperationOutcome.IssueSeverity.Warning,
                    Code = OperationOutcome.IssueType.Incomplete,
                    Diagnostics = warning,
                });
            }

            bundle.Entry.Add(new Bundle.EntryComponent { Resource = outcome, Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome } });
        }

        var links = new SearchLinks(SelfPath(request), search);
        bundle.Link.Add(links.Link("self", page is null ? null : search.PageToken));
        if (rows.Count > 0)
        {
            if (hasMore || isBefore)
            {
                var keys = indexOrdered?.KeysOf(rows[^1].RowId) ?? await order.KeysOfAsync(matches.Value, rows[^1].RowId, cancellationToken);
                bundle.Link.Add(links.Link("next", new SearchPageToken(IsBefore: false, rows[^1].RowId, keys).Encode()));
            }

            if (page is not null && (!isBefore || hasMore))
            {
                var keys = indexOrdered?.KeysOf(rows[0].RowId) ?? await order.KeysOfAsync(matches.Value, rows[0].RowId, cancellationToken);
                bundle.Link.Add(links.Link("previous", new SearchPageToken(IsBefore: true, rows[0].RowId, keys).Encode()));
            }
        }

        return new FhirResponse(StatusCodes.Status200OK) { Searchset = new Searchset(bundle, entries) };
    }

    /// <summary>
    /// The page's rows, in two steps of one statement: the row ids of the page are found over the
    /// narrow index columns alone, and only then are the page's rows read with their stored JSON.
    /// Read in one step, PostgreSQL carried every candidate's JSON through its joins and sort.
    /// </summary>
    private async Task<List<MatchedRow>> PageAsync(SortOrder order, IQueryable<ResourceRow> candidates, bool isBefore, int size, CancellationToken cancellationToken)
    {
        var page = order.Apply(candidates, isBefore).Take(size).Select(r => r.RowId);
        return await order.Apply(db.Resources.Where(r => page.Contains(r.RowId)), isBefore)
            .Select(r => new MatchedRow(r.RowId, r.ResourceType, r.ResourceId, r.Json!))
            .PlannedForItsValues()
            .ToListAsync(cancellationToken);
    }

    /// <summary>For a search in distance order (<c>near</c>): each match's distance from the point, in kilometres, to the metre.</summary>
    private async Task<Dictionary<long, double?>> DistancesAsync(ParsedSearch search, List<MatchedRow> rows, CancellationToken cancellationToken)
    {
        if (search.Sort is not [{ Near: { } near } key] || rows.Count == 0)
        {
            return [];
        }

        var ids = rows.Select(r => r.RowId).ToList();
        var code = key.Parameter.Code;
        var positions = await db.PositionIndex.Where(x => ids.Contains(x.RowId) && x.Param == code).Select(x => new { x.RowId, x.X, x.Y, x.Z }).ToListAsync(cancellationToken);
        var (x0, y0, z0) = Geo.UnitVector(near.Latitude, near.Longitude);
        return positions
            .GroupBy(p => p.RowId)
            .ToDictionary(
                g => g.Key,
                g => (double?)Math.Round(g.Min(p => Geo.Kilometres(((p.X - x0) * (p.X - x0)) + ((p.Y - y0) * (p.Y - y0)) + ((p.Z - z0) * (p.Z - z0)))), 3));
    }

    private static List<string> TypesOf(FhirRequest request) =>
        request.ResourceType is { } type ? [type] : ParseTypes(request);

    /// <summary>The types of every <c>_type</c> parameter (comma-separated); empty when there is none.</summary>
    /// <exception cref="FhirException">400 for a name that is not a concrete R4 resource type.</exception>
    internal static List<string> ParseTypes(FhirRequest request)
    {
        var types = request.Parameters.Where(p => p.Key == "_type").SelectMany(p => p.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToList();
        foreach (var t in types)
        {
            if (!ModelInfo.IsKnownResource(t) || t is "Resource" or "DomainResource")
            {
                throw FhirException.BadRequest($"_type: '{t}' is not a FHIR R4 resource type.", "_type");
            }
        }

        return types;
    }

    private static string SelfPath(FhirRequest request) => request.Interaction switch
    {
        FhirInteraction.SearchCompartment => $"{request.BaseUrl}/{request.CompartmentType}/{request.Id}/{request.ResourceType}",
        FhirInteraction.SearchSystem => request.BaseUrl,
        _ => $"{request.BaseUrl}/{request.ResourceType}",
    };

}
