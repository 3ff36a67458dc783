using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace FhirMh.FhirServer.Security;

/// <summary>The public half of an RSA key as a JWK Set (RFC 7517), as <c>jwks_uri</c> and client registrations carry it.</summary>
internal static class PublicJwks
{
    public static string Of(RSA rsa, string keyId, string? algorithm = null)
    {
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        var jwk = new Dictionary<string, string>
        {
            ["kty"] = "RSA",
            ["kid"] = keyId,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
        if (algorithm is not null)
        {
            jwk["use"] = "sig";
            jwk["alg"] = algorithm;
        }

        return JsonSerializer.Serialize(new { keys = new[] { jwk } });
    }
}
