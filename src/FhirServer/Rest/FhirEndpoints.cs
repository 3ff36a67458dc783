using FhirMh.FhirServer.Interactions;
using Microsoft.Net.Http.Headers;

namespace FhirMh.FhirServer.Rest;

/// <summary>Maps <see cref="FhirRoutes"/> under the FHIR base and turns each HTTP request into a <see cref="FhirRequest"/>.</summary>
internal static class FhirEndpoints
{
    public const string BasePath = "/fhir";

    public static void MapFhirEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(BasePath).WithTags("FHIR R4 REST");
        foreach (var route in FhirRoutes.All)
        {
            group.MapMethods(
                    route.Pattern,
                    [route.Method],
                    (HttpContext http, CancellationToken cancellationToken) => HandleAsync(http, route.Interaction, cancellationToken))
                .WithName($"{route.Method} {route.Pattern}")
                .WithSummary(route.Summary);
        }
    }

    /// <summary>The FHIR base URL as the client addressed it, e.g. <c>http://localhost:8080/fhir</c>.</summary>
    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}{BasePath}";

    private static async Task<IResult> HandleAsync(HttpContext http, FhirInteraction interaction, CancellationToken cancellationToken)
    {
        var output = OutputOptions.From(http.Request);
        var routeValues = http.Request.RouteValues;
        var type = routeValues["type"] as string;
        var id = routeValues["id"] as string;

        // Address first: a body sent to an unknown type is a 404, not a parse error.
        FhirDispatcher.CheckAddress(type, id);
        var baseUrl = BaseUrl(http.Request);

        // Who is calling, before any body is read: a caller without a valid token learns nothing more.
        await Security.BearerAuthentication.AuthenticateAsync(http, baseUrl, isPublic: interaction == FhirInteraction.Capabilities, cancellationToken);
        var bodyReader = http.RequestServices.GetRequiredService<RequestBodyReader>();
        var resource = interaction switch
        {
            FhirInteraction.Create or FhirInteraction.Update or FhirInteraction.BatchOrTransaction => await bodyReader.ReadAsync(http.Request, cancellationToken),

            // An operation's input: a Parameters resource, or the one resource it takes (operations.html#request).
            FhirInteraction.TypeOperation or FhirInteraction.InstanceOperation when HasBody(http.Request) => await bodyReader.ReadAsync(http.Request, cancellationToken),
            _ => null,
        };
        var patch = interaction is FhirInteraction.Patch ? await bodyReader.ReadPatchAsync(http.Request, cancellationToken) : null;
        var parameters = http.Request.Query.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? string.Empty))).ToList();
        if (http.Request.Method == HttpMethods.Post && interaction is FhirInteraction.SearchType or FhirInteraction.SearchSystem)
        {
            parameters.AddRange(await ReadSearchFormAsync(http.Request, cancellationToken));
        }

        var headers = http.Request.Headers;
        var request = new FhirRequest(interaction, baseUrl, type, id, resource, ReadPreconditions(headers), parameters)
        {
            VersionId = routeValues["vid"] as string,
            Patch = patch,
            IfNoneExist = headers["If-None-Exist"].ToString() is { Length: > 0 } ifNoneExist ? ifNoneExist : null,
            IsStrictHandling = headers["Prefer"].Any(p => p is not null && p.Contains("handling=strict", StringComparison.OrdinalIgnoreCase)),
            CompartmentType = routeValues["compartment"] as string,
            Operation = routeValues["operation"] as string,
            IsHttpGet = HttpMethods.IsGet(http.Request.Method),
            PreferReturn = output.PreferReturn,
        };

        var response = await http.RequestServices.GetRequiredService<FhirDispatcher>().DispatchAsync(request, cancellationToken);
        Security.BreakTheGlassLabel.Apply(http, response);
        return new FhirResult(response, output, baseUrl);
    }

    private static bool HasBody(HttpRequest request) =>
        request.Method == HttpMethods.Post && (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0);

    /// <summary>POST _search carries its parameters as a form (http.html#search); they join those of the query.</summary>
    private static async Task<IEnumerable<KeyValuePair<string, string>>> ReadSearchFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            if (request.ContentLength is null or 0)
            {
                return [];
            }

            throw FhirException.Of(
                StatusCodes.Status415UnsupportedMediaType,
                Hl7.Fhir.Model.OperationOutcome.IssueType.NotSupported,
                "POST _search takes its parameters as application/x-www-form-urlencoded.");
        }

        var form = await request.ReadFormAsync(cancellationToken);
        return form.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? string.Empty)));
    }

    private static Preconditions ReadPreconditions(IHeaderDictionary headers)
    {
        Instant? ifModifiedSince = HeaderUtilities.TryParseDate(headers.IfModifiedSince.ToString(), out var date)
            ? Instant.FromDateTimeOffset(date)
            : null; // An invalid HTTP date is ignored (RFC 9110 13.1.3).
        return Preconditions.Parse(headers.IfMatch.ToString(), headers.IfNoneMatch.ToString(), ifModifiedSince);
    }
}
