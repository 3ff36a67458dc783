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

        var caller = await services.GetRequiredService<AccessTokenValidator>().ValidateAsync(header["Bearer ".Length..].Trim(), baseUrl, cancellationToken);
        context.Current = caller;
        context.Purposes = Purposes(http.Request, caller);
    }

    /// <summary>
    /// The purposes of use a request asserts in <c>X-Purpose-Of-Use</c> (v3-ActReason codes,
    /// comma-separated), each one the token must allow; without the header, those the token allows
    /// except break-the-glass, which is only ever asserted on purpose.
    /// </summary>
    private static List<string> Purposes(HttpRequest request, Caller caller)
    {
        var asserted = request.Headers[PurposeHeader].SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToList();
        if (asserted.Count == 0)
        {
            return caller.AllowedPurposes.Where(p => p != BreakTheGlass).ToList();
        }

        foreach (var purpose in asserted.Where(p => !caller.AllowedPurposes.Contains(p)))
        {
            throw FhirException.Forbidden($"{PurposeHeader}: the access token does not allow the purpose of use '{purpose}' (its purpose_of_use claim lists those it allows).");
        }

        return asserted;
    }

    public const string PurposeHeader = "X-Purpose-Of-Use";

    /// <summary>The v3-ActReason code of break-the-glass (emergency access).</summary>
    public const string BreakTheGlass = "BTG";
}
