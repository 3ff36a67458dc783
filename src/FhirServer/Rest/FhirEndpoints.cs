using System.Globalization;
using FhirMh.FhirServer.Interactions;
using Microsoft.Net.Http.Headers;
using NodaTime;

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
                .WithName(route.Interaction.ToString())
                .WithSummary(route.Summary);
        }
    }

    /// <summary>The FHIR base URL as the client addressed it, e.g. <c>http://localhost:8080/fhir</c>.</summary>
    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}{BasePath}";

    private static async Task<IResult> HandleAsync(HttpContext http, FhirInteraction interaction, CancellationToken cancellationToken)
    {
        var output = OutputOptions.From(http.Request);
        var routeValues = http.Request.RouteValues;
        var resource = interaction is FhirInteraction.Create or FhirInteraction.Update
            ? await http.RequestServices.GetRequiredService<RequestBodyReader>().ReadAsync(http.Request, cancellationToken)
            : null;
        var baseUrl = BaseUrl(http.Request);
        var request = new FhirRequest(
            interaction,
            baseUrl,
            routeValues["type"] as string,
            routeValues["id"] as string,
            resource,
            ReadPreconditions(http.Request.Headers),
            http.Request.Query.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? string.Empty))).ToList())
        {
            VersionId = routeValues["vid"] as string,
        };

        var response = await http.RequestServices.GetRequiredService<FhirDispatcher>().DispatchAsync(request, cancellationToken);
        return new FhirResult(response, output, baseUrl);
    }

    private static Preconditions ReadPreconditions(IHeaderDictionary headers)
    {
        var ifMatch = headers.IfMatch.ToString();
        int? ifMatchVersion = null;
        if (ifMatch.Length > 0)
        {
            ifMatchVersion = ParseVersionETag(ifMatch) ?? throw FhirException.BadRequest(
                $"If-Match must be a version ETag such as W/\"3\", not '{ifMatch}'.", "If-Match");
        }

        var ifNoneMatch = headers.IfNoneMatch.ToString();
        Instant? ifModifiedSince = HeaderUtilities.TryParseDate(headers.IfModifiedSince.ToString(), out var date)
            ? Instant.FromDateTimeOffset(date)
            : null; // An invalid HTTP date is ignored (RFC 9110 13.1.3).
        return new Preconditions(ifMatchVersion, ParseVersionETag(ifNoneMatch), ifModifiedSince);
    }

    /// <summary>The version in <c>W/"3"</c> (or a strong <c>"3"</c>), as http.html#versioning uses ETags.</summary>
    private static int? ParseVersionETag(string value)
    {
        var text = value.Trim();
        if (text.StartsWith("W/", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        return text.Length > 2 && text[0] == '"' && text[^1] == '"' &&
            int.TryParse(text.AsSpan(1, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                ? version
                : null;
    }
}
