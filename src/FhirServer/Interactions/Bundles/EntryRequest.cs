using FhirMh.FhirServer.Interactions.Patch;
using FhirMh.FhirServer.Rest;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Interactions.Bundles;

/// <summary>
/// The <c>request</c> of one batch or transaction entry, parsed: the interaction its method and
/// URL address, in the same terms as a single HTTP request (http.html#transaction).
/// </summary>
internal sealed record EntryRequest(
    int Index,
    Bundle.HTTPVerb Method,
    string Url,
    FhirInteraction Interaction,
    string? ResourceType,
    string? Id,
    string? VersionId,
    IReadOnlyList<KeyValuePair<string, string>> Parameters,
    Preconditions Preconditions,
    string? IfNoneExist)
{
    /// <summary>The compartment of a compartment search (<c>Patient/1/Observation</c>), whose id is <see cref="Id"/>.</summary>
    public string? CompartmentType { get; init; }

    /// <summary>True for PUT, PATCH or DELETE on <c>Type?criteria</c> (http.html#cond-update, #cdelete).</summary>
    public bool IsConditionalWrite => Id is null && Method is Bundle.HTTPVerb.PUT or Bundle.HTTPVerb.PATCH or Bundle.HTTPVerb.DELETE;

    /// <summary>The entry as a FHIRPath expression on the Bundle, e.g. <c>Bundle.entry[2]</c>, for OperationOutcomes.</summary>
    public string Path => PathOf(Index);

    /// <summary>The resource this entry changes, as <c>Type/id</c>, or null when it reads or creates.</summary>
    public string? WrittenResource => Method is Bundle.HTTPVerb.DELETE or Bundle.HTTPVerb.PUT or Bundle.HTTPVerb.PATCH
        ? $"{ResourceType}/{Id}"
        : null;

    public static string PathOf(int index) => $"Bundle.entry[{index}]";

    /// <summary>
    /// Parses <c>entry.request</c>. The URL may be relative to the base (<c>Patient/1</c>,
    /// <c>Patient/1/_history/2</c>, <c>_history</c>, <c>metadata</c>, with a query string) or
    /// absolute under <paramref name="baseUrl"/>; it must address a route the server maps, so an
    /// entry can do exactly what a single request can.
    /// </summary>
    /// <exception cref="FhirException">400 (404 for an unknown type) whose expression is in the entry.</exception>
    public static EntryRequest Parse(Bundle.EntryComponent entry, int index, string baseUrl)
    {
        var at = PathOf(index);
        var request = entry.Request ?? throw FhirException.BadRequest(
            $"{at} has no request: each entry of a batch or transaction names its request.method and request.url.", $"{at}.request");
        var method = request.Method ?? throw FhirException.BadRequest($"{at} has no request.method.", $"{at}.request.method");
        var url = request.Url;
        if (string.IsNullOrWhiteSpace(url))
        {
            throw FhirException.BadRequest($"{at} has no request.url.", $"{at}.request.url");
        }

        var relative = Relative(url.Trim(), baseUrl) ?? throw FhirException.BadRequest(
            $"{at}: request.url '{url}' is an absolute URL outside this server's base {baseUrl}.", $"{at}.request.url");
        var queryStart = relative.IndexOf('?', StringComparison.Ordinal);
        var path = queryStart < 0 ? relative : relative[..queryStart];
        var query = queryStart < 0 ? string.Empty : relative[(queryStart + 1)..];
        string[] segments = path.Length == 0 ? [] : path.Split('/').Select(Uri.UnescapeDataString).ToArray();

        // HEAD is GET without the body (RFC 9110 9.3.2).
        var routed = EntryRoute.Match(method == Bundle.HTTPVerb.HEAD ? "GET" : method.ToString(), segments)
            ?? throw FhirException.BadRequest($"{at}: {method} {url} {Unsupported(method, segments)}", $"{at}.request.url");
        try
        {
            FhirDispatcher.CheckAddress(routed.ResourceType, routed.Id);
        }
        catch (FhirException e)
        {
            throw Readdressed(e, $"{at}: {method} {url}: ", $"{at}.request.url");
        }

        Preconditions preconditions;
        try
        {
            preconditions = Preconditions.Parse(
                request.IfMatch,
                request.IfNoneMatch,
                request.IfModifiedSince is { } since ? Instant.FromDateTimeOffset(since) : null);
        }
        catch (FhirException e)
        {
            throw Readdressed(e, $"{at}: ", $"{at}.request.ifMatch");
        }

        return new EntryRequest(
            index,
            method,
            url,
            routed.Interaction,
            routed.ResourceType,
            routed.Id,
            routed.VersionId,
            EntryQuery.Parse(query),
            preconditions,
            string.IsNullOrWhiteSpace(request.IfNoneExist) ? null : request.IfNoneExist)
        {
            CompartmentType = routed.CompartmentType,
        };
    }

    /// <summary>
    /// The request to hand to the dispatcher: the entry's resource as the body of a create or
    /// update, or its patch (a FHIRPath Patch Parameters, or a Binary holding a JSON Patch).
    /// </summary>
    /// <exception cref="FhirException">400 naming the entry when the body does not fit the request.</exception>
    public FhirRequest ToFhirRequest(
        Bundle.EntryComponent entry,
        string baseUrl,
        RequestBodyReader bodies,
        PreferReturn preferReturn,
        string? assignedId)
    {
        var resource = entry.Resource;
        IPatchDocument? patch = null;
        if (Interaction is FhirInteraction.Create or FhirInteraction.Update)
        {
            if (resource is null || resource.TypeName != ResourceType)
            {
                throw FhirException.BadRequest(
                    $"{Path}: {Method} {Url} needs a {ResourceType} resource in entry.resource, not {resource?.TypeName ?? "none"}.",
                    $"{Path}.resource");
            }
        }
        else if (Interaction is FhirInteraction.Patch)
        {
            patch = ReadPatch(resource, bodies);
            resource = null;
        }
        else
        {
            resource = null;
        }

        return new FhirRequest(Interaction, baseUrl, ResourceType, Id, resource, Preconditions, Parameters)
        {
            VersionId = VersionId,
            IfNoneExist = IfNoneExist,
            Patch = patch,
            AssignedId = assignedId,
            PreferReturn = preferReturn,
            CompartmentType = CompartmentType,
            IsHttpGet = Method == Bundle.HTTPVerb.GET,
        };
    }

    /// <summary>A patch entry carries a Parameters (FHIRPath Patch) or a Binary with a JSON Patch (http.html#transaction, PATCH).</summary>
    private IPatchDocument ReadPatch(Resource? resource, RequestBodyReader bodies)
    {
        try
        {
            return resource switch
            {
                Parameters parameters => FhirPathPatchDocument.Parse(parameters),
                Binary { Data: { } data } binary when IsJsonPatch(binary.ContentType) => bodies.ParseJsonPatch(data),
                _ => throw FhirException.BadRequest(
                    $"A PATCH entry carries a FHIRPath Patch (Parameters) or a Binary of {MediaTypes.JsonPatch} with the patch as its data, not {resource?.TypeName ?? "nothing"}.",
                    "resourceType"),
            };
        }
        catch (FhirException e)
        {
            throw FhirException.WithOutcome(e.StatusCode, EntryFailure.Readdress(e.Outcome, this, resource?.TypeName));
        }
    }

    private static bool IsJsonPatch(string? contentType) =>
        string.Equals(contentType?.Split(';', 2)[0].Trim(), MediaTypes.JsonPatch, StringComparison.OrdinalIgnoreCase);

    /// <summary>The URL relative to the base, or null when it is absolute and elsewhere.</summary>
    private static string? Relative(string url, string baseUrl)
    {
        if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (url.Length == baseUrl.Length && url.Equals(baseUrl, StringComparison.OrdinalIgnoreCase))
            {
                return string.Empty;
            }

            return url.StartsWith(baseUrl + "/", StringComparison.OrdinalIgnoreCase) || url.StartsWith(baseUrl + "?", StringComparison.OrdinalIgnoreCase)
                ? url[baseUrl.Length..].TrimStart('/')
                : null;
        }

        return url.TrimStart('/');
    }

    private static string Unsupported(Bundle.HTTPVerb method, string[] segments) => (method, segments.Length) switch
    {
        (Bundle.HTTPVerb.POST, 0) => "is a batch or transaction itself, which an entry cannot be.",
        _ => "is not an interaction this server supports.",
    };

    private static FhirException Readdressed(FhirException failure, string prefix, string expression)
    {
        var issue = failure.Outcome.Issue[0];
        return FhirException.Of(failure.StatusCode, issue.Code ?? OperationOutcome.IssueType.Invalid, prefix + issue.Diagnostics, expression);
    }
}
