using System.Globalization;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using NodaTime.Text;

namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// history at instance, type and system level (http.html#history): newest first, <c>_since</c>,
/// <c>_count</c>, and keyset paging links that stay correct while others write.
/// <para>
/// It is also a change feed (IHE mCSD ITI-91 polls it): <c>Bundle.meta.lastUpdated</c> is the
/// response's horizon H (<see cref="HistoryReader.HorizonAsync"/>), the pages hold exactly the
/// versions with <c>_since</c> &lt;= lastUpdated &lt; H, and the next poll with <c>_since</c> = H
/// neither misses nor repeats a version.
/// </para>
/// </summary>
internal sealed class HistoryInteraction(HistoryReader history, ResourceStore store, FhirSerializers serializers, IOptions<HistoryOptions> options, Security.AccessChecks access)
{
    private static readonly string[] OutputParameters = ["_format", "_pretty", "_summary", "_elements"];

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var count = ParseCount(request.Parameter("_count"));
        var since = ParseSince(request.Parameter("_since"));
        var pageToken = request.Parameter("_page");
        HistoryPage? page = null;
        if (pageToken is not null)
        {
            page = HistoryPage.Parse(pageToken) ?? throw FhirException.BadRequest($"'{pageToken}' is not a history page of this server.", "_page");
        }

        // Every page of one response has the horizon of its first page, carried in the page token.
        Instant? horizon = count == 0
            ? null
            : page?.Horizon ?? await history.HorizonAsync(since, NodaTime.Duration.FromTimeSpan(options.Value.HorizonLag), cancellationToken);
        var versions = horizon is { } h
            ? await history.ReadAsync(new HistoryQuery(request.ResourceType, request.Id, since, h, count, page, Visible(request)), cancellationToken)
            : [];
        if (versions.Count == 0 && request.Interaction == FhirInteraction.HistoryInstance &&
            await store.ReadCurrentAsync(request.ResourceType!, request.Id!, cancellationToken) is null)
        {
            throw FhirException.NotFound($"{request.ResourceType}/{request.Id} is not known.");
        }

        var hasMore = versions.Count > count;
        var shown = versions.Take(count).ToList();
        if (page is { IsNewer: true } && hasMore)
        {
            // Read upwards from the page start: the surplus row is the newest one, at the front.
            shown = versions.Skip(versions.Count - count).ToList();
        }

        var bundle = new Bundle { Type = Bundle.BundleType.History, Entry = shown.Select(v => Entry(request.BaseUrl, v)).ToList() };
        if (horizon is { } lastUpdated)
        {
            // Without a page (_count=0) there is no horizon: a client that kept one would skip versions.
            bundle.Meta = new Meta { LastUpdated = lastUpdated.ToDateTimeOffset() };
        }

        AddLinks(bundle, request, count, since, page, shown, hasMore, horizon);
        return FhirResponse.Of(StatusCodes.Status200OK, bundle);
    }

    /// <summary>
    /// Type history shows the versions of the resources the caller may see now; instance history
    /// was checked by the dispatcher, and system history needs scopes that reach everything.
    /// </summary>
    private IQueryable<ResourceRow>? Visible(FhirRequest request) =>
        request.Interaction == FhirInteraction.HistoryType ? access.VisibleCurrent(request.ResourceType!) : null;

    private Bundle.EntryComponent Entry(string baseUrl, StoredVersion version)
    {
        var relative = $"{version.ResourceType}/{version.ResourceId}";
        return new Bundle.EntryComponent
        {
            FullUrl = $"{baseUrl}/{relative}",
            Resource = version.Json is null ? null : serializers.ParseJson(version.Json),
            Request = new Bundle.RequestComponent
            {
                Method = version.Method switch
                {
                    "POST" => Bundle.HTTPVerb.POST,
                    "DELETE" => Bundle.HTTPVerb.DELETE,
                    "PATCH" => Bundle.HTTPVerb.PATCH,
                    _ => Bundle.HTTPVerb.PUT,
                },
                Url = version.Method == "POST" ? version.ResourceType : relative,
            },
            Response = new Bundle.ResponseComponent
            {
                Status = version.Status switch
                {
                    StatusCodes.Status201Created => "201 Created",
                    StatusCodes.Status204NoContent => "204 No Content",
                    _ => "200 OK",
                },
                Etag = version.ETag,
                LastModified = version.LastUpdated.ToDateTimeOffset(),
            },
        };
    }

    private static void AddLinks(
        Bundle bundle,
        FhirRequest request,
        int count,
        Instant? since,
        HistoryPage? page,
        List<StoredVersion> shown,
        bool hasMore,
        Instant? horizon)
    {
        var path = request.Interaction switch
        {
            FhirInteraction.HistoryInstance => $"{request.BaseUrl}/{request.ResourceType}/{request.Id}/_history",
            FhirInteraction.HistoryType => $"{request.BaseUrl}/{request.ResourceType}/_history",
            _ => $"{request.BaseUrl}/_history",
        };
        var query = $"?_count={count.ToString(CultureInfo.InvariantCulture)}";
        if (since is { } s)
        {
            query += "&_since=" + Uri.EscapeDataString(InstantPattern.ExtendedIso.Format(s));
        }

        // The way the client asked for the page to be written holds for every page.
        foreach (var name in OutputParameters)
        {
            if (request.Parameter(name) is { } value)
            {
                query += $"&{name}={Uri.EscapeDataString(value)}";
            }
        }

        AddLink(bundle, "self", path + query + (page is null ? string.Empty : "&_page=" + page.Token));
        if (shown.Count == 0 || horizon is not { } h)
        {
            return;
        }

        var olderExists = page is { IsNewer: true } || hasMore;
        var newerExists = page is { IsNewer: false } || (page is { IsNewer: true } && hasMore);
        if (olderExists)
        {
            AddLink(bundle, "next", path + query + "&_page=" + new HistoryPage(shown[^1].RowId, IsNewer: false, h).Token);
        }

        if (newerExists)
        {
            AddLink(bundle, "previous", path + query + "&_page=" + new HistoryPage(shown[0].RowId, IsNewer: true, h).Token);
        }
    }

    private static void AddLink(Bundle bundle, string relation, string url) =>
        bundle.Link.Add(new Bundle.LinkComponent { Relation = relation, Url = url });

    private int ParseCount(string? value)
    {
        if (value is null)
        {
            return options.Value.DefaultCount;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            throw FhirException.BadRequest($"_count must be a non-negative integer, not '{value}'.", "_count");
        }

        return Math.Min(count, options.Value.MaxCount);
    }

    /// <summary>Parses <c>_since</c>, also for $everything.</summary>
    /// <exception cref="FhirException">400 when it is not an instant with a time zone.</exception>
    internal static Instant? ParseSince(string? value)
    {
        if (value is null)
        {
            return null;
        }

        // _since is an instant: a full date-time with a time zone (http.html#history, datatypes.html#instant).
        var parsed = OffsetDateTimePattern.ExtendedIso.Parse(value);
        return parsed.Success
            ? parsed.Value.ToInstant()
            : throw FhirException.BadRequest($"_since must be an instant with a time zone, e.g. 2026-01-01T00:00:00Z, not '{value}'.", "_since");
    }
}
