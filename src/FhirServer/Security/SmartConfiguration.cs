using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// <c>[base]/.well-known/smart-configuration</c> (SMART App Launch 2, conformance.html): where to
/// get a token and what this server understands, with absolute URLs.
/// </summary>
internal static class SmartConfiguration
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Rest.FhirEndpoints.BasePath + "/.well-known/smart-configuration", Describe)
            .WithTags("SMART")
            .WithSummary("SMART configuration: token endpoint, scopes and capabilities");
        app.MapGet(BuiltInIssuer.JwksPath, async (ServerSigningKeys keys, IOptions<SecurityOptions> options, CancellationToken cancellationToken) =>
                options.Value.TokenEndpoint.Enabled
                    ? Results.Content(await keys.PublicJwksAsync(cancellationToken), "application/json")
                    : Results.NotFound())
            .WithTags("SMART")
            .WithSummary("The public keys that verify the access tokens the built-in token endpoint issues");
    }

    private static IResult Describe(HttpRequest request, IOptions<SecurityOptions> options)
    {
        var security = options.Value;
        var baseUrl = Rest.FhirEndpoints.BaseUrl(request);
        var tokenUrl = security.TokenEndpoint.Enabled ? BuiltInIssuer.TokenUrl(baseUrl) : security.TokenEndpoint.ExternalUrl;
        if (tokenUrl is null)
        {
            return Results.NotFound();
        }

        var configuration = new Dictionary<string, object>
        {
            ["token_endpoint"] = tokenUrl,
            ["grant_types_supported"] = new[] { "client_credentials" },
            ["token_endpoint_auth_methods_supported"] = new[] { "private_key_jwt" },
            ["token_endpoint_auth_signing_alg_values_supported"] = new[] { "RS384", "ES384" },
            ["scopes_supported"] = new[] { "system/*.cruds", "user/*.cruds", "patient/*.cruds", "system/*.*", "user/*.*", "patient/*.*" },
            ["response_types_supported"] = new[] { "token" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["capabilities"] = new[] { "client-confidential-asymmetric", "permission-v1", "permission-v2", "permission-patient", "permission-user" },
        };
        if (security.TokenEndpoint.Enabled)
        {
            configuration["issuer"] = BuiltInIssuer.Of(baseUrl);
            configuration["jwks_uri"] = BuiltInIssuer.JwksUrl(baseUrl);
        }

        return Results.Json(configuration);
    }
}
