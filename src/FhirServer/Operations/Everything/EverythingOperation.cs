using System.Globalization;
using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search;
using FhirMh.FhirServer.Search.Paging;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Operations.Everything;

/// <summary>
/// <c>Patient/{id}/$everything</c> (patient-operation-everything.html): the patient, every
/// resource in its compartment, and the resources those refer to, as a searchset paged by
/// keyset. <c>_since</c>, <c>_type</c> and <c>_count</c> narrow it.
/// </summary>
internal sealed class EverythingOperation(
    FhirDbContext db,
    CompartmentDefinitions compartments,
    IOptions<SearchOptions> options,
    Security.AccessChecks access)
{
    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        if (request.ResourceType != "Patient")
        {
            throw FhirException.NotFound($"$everything is defined on Patient, not {request.ResourceType} (patient-operation-everything.html).");
        }

        var id = request.Id!;
        var patient = await db.Resources
            .Where(r => r.ResourceType == "Patient" && r.ResourceId == id && r.IsCurrent)
            .Select(r => new { r.RowId, r.IsDeleted })
            .FirstOrDefaultAsync(cancellationToken) ?? throw FhirException.NotFound($"Patient/{id} is not known.");
        if (patient.IsDeleted)
        {
            throw FhirException.Gone($"Patient/{id} was deleted.");
        }

        var count = Count(request.Parameter("_count"));
        var since = HistoryInteraction.ParseSince(request.Parameter("_since"));
        var types = SearchInteraction.ParseTypes(request);
        var after = request.Parameter("_page") is { } token
            ? SearchPageToken.Decode(token)?.RowId ?? throw FhirException.BadRequest($"'{token}' is not a page of this server.", "_page")
            : 0L;

        // Every row that refers to the patient, filtered to the compartment's parameters here:
        // one index lookup by target, whatever the number of types and parameters.
        var referring = await db.ReferenceIndex
            .Where(x => x.TargetId == id && x.TargetType == "Patient")
            .Select(x => new { x.RowId, x.ResourceType, x.Param })
            .ToListAsync(cancellationToken);
        var inCompartment = referring
            .Where(x => compartments.ParametersOf("Patient", x.ResourceType).Contains(x.Param))
            .Select(x => (x.RowId, x.ResourceType))
            .Append((patient.RowId, "Patient"))
            .Distinct()
            .ToList();

        // What the caller may not see is left out before paging, so pages keep their size.
        var members = (await access.VisibleRowIdsAsync(inCompartment, cancellationToken)).ToList();

        var query = db.Resources.Where(r => members.Contains(r.RowId) && r.IsCurrent && !r.IsDeleted && r.RowId > after);
        if (types.Count > 0)
        {
            query = query.Where(r => types.Contains(r.ResourceType));
        }

        if (since is { } s)
        {
            query = query.Where(r => r.LastUpdated >= s);
        }

        var rows = await query.OrderBy(r => r.RowId).Take(count + 1)
            .Select(r => new MatchedRow(r.RowId, r.ResourceType, r.ResourceId, r.Json!))
            .ToListAsync(cancellationToken);
        var hasMore = rows.Count > count;
        if (hasMore)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        var bundle = new Bundle { Type = Bundle.BundleType.Searchset };
        var entries = rows.Select(row => SearchsetEntry.Of(request.BaseUrl, row, Bundle.SearchEntryMode.Match)).ToList();

        // The resources the page refers to (practitioners, organizations, medications...).
        var pageRows = rows.Select(r => r.RowId).ToList();
        var referenced = db.ReferenceIndex.Where(x => pageRows.Contains(x.RowId));
        var shown = rows.Select(r => r.RowId).ToHashSet();
        var included = await access.VisibleAsync(await SearchIncludes.ReadTargetsAsync(db, referenced, options.Value.MaxIncluded, cancellationToken), cancellationToken);
        foreach (var row in included.Where(r => !members.Contains(r.RowId) && shown.Add(r.RowId)))
        {
            entries.Add(SearchsetEntry.Of(request.BaseUrl, row, Bundle.SearchEntryMode.Include));
        }

        var self = $"{request.BaseUrl}/Patient/{id}/$everything?_count={count.ToString(CultureInfo.InvariantCulture)}"
            + (since is null ? string.Empty : "&_since=" + Uri.EscapeDataString(request.Parameter("_since")!))
            + (types.Count == 0 ? string.Empty : "&_type=" + Uri.EscapeDataString(string.Join(',', types)));
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = after == 0 ? self : $"{self}&_page={request.Parameter("_page")}" });
        if (hasMore)
        {
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = $"{self}&_page={new SearchPageToken(IsBefore: false, rows[^1].RowId, []).Encode()}" });
        }

        return new FhirResponse(StatusCodes.Status200OK) { Searchset = new Searchset(bundle, entries) };
    }


    private int Count(string? value)
    {
        if (value is null)
        {
            return options.Value.DefaultCount;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
            ? Math.Min(count, options.Value.MaxCount)
            : throw FhirException.BadRequest($"_count must be a positive integer, not '{value}'.", "_count");
    }
}
