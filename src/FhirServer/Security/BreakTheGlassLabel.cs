using FhirMh.FhirServer.Interactions;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// Marks a response given under break-the-glass, so that the caller's system can show it as
/// emergency access: the header <c>X-Break-The-Glass</c> with the end of the grant, and the v3
/// ActReason BTG security label on a Bundle's meta (security-labels.html).
/// </summary>
internal static class BreakTheGlassLabel
{
    public const string Header = "X-Break-The-Glass";

    public static readonly Coding Label = new("http://terminology.hl7.org/CodeSystem/v3-ActReason", BearerAuthentication.BreakTheGlass, "break the glass");

    public static void Apply(HttpContext http, FhirResponse response)
    {
        if (http.RequestServices.GetRequiredService<ConsentContext>().BreakTheGlassUntil is not { } until)
        {
            return;
        }

        http.Response.Headers[Header] = $"BTG; until={until}";
        var bundle = response.Searchset?.Shell ?? response.Resource as Bundle;
        if (bundle is not null)
        {
            bundle.Meta ??= new Meta();
            bundle.Meta.Security.Add(Label);
        }
    }
}
