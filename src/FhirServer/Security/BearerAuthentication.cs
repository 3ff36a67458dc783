using FhirMh.FhirServer.Rest;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// Establishes the caller of a FHIR request from its <c>Authorization: Bearer</c> header
/// (RFC 6750), before its body is read. Without security every caller is unrestricted.
/// </summary>
internal static class BearerAuthentication
{
    public static async Task AuthenticateAsync(HttpContext http, string baseUrl, bool isPublic, CancellationToken cancellationToken)
    {
        var services = http.RequestServices;
        var context = services.GetRequiredService<CallerContext>();
        context.BaseUrl = baseUrl;
        if (!services.GetRequiredService<IOptions<SecurityOptions>>().Value.Enabled)
        {
            context.Current = Caller.Unrestricted;
            return;
        }

        if (isPublic)
        {
            return;
        }

        var header = http.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            throw FhirException.Unauthorized("This server needs an access token: send Authorization: Bearer <token> (see /fhir/.well-known/smart-configuration).", error: null);
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= "Bearer ".Length)
        {
            throw FhirException.Unauthorized("The Authorization header must be 'Bearer <token>'.", "invalid_request");
        }

        context.Current = await services.GetRequiredService<AccessTokenValidator>().ValidateAsync(header["Bearer ".Length..].Trim(), baseUrl, cancellationToken);
    }
}
