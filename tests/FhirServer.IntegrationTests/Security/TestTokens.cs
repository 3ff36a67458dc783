using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FhirMh.FhirServer.IntegrationTests.Security;

/// <summary>
/// Keys and tokens of the security tests: an identity provider the test server trusts, two
/// backend clients registered with its token endpoint (RSA and EC keys), and a stranger whose
/// key nobody trusts. Tokens are minted here as the identity provider would.
/// </summary>
internal static class TestTokens
{
    /// <summary>The FHIR base as the test host sees it, the <c>aud</c> of every good token.</summary>
    public const string Audience = "http://localhost/fhir";

    public const string TokenUrl = "http://localhost/auth/token";

    public const string Issuer = "https://idp.example.test";

    public const string RsaClient = "backend-rsa";

    public const string EcClient = "backend-ec";

    public static readonly RsaSecurityKey IdpKey = NewRsa("idp-1");

    /// <summary>Same key id as the identity provider's, different key: a forgery.</summary>
    public static readonly RsaSecurityKey StrangerKey = NewRsa("idp-1");

    public static readonly RsaSecurityKey ClientRsaKey = NewRsa("client-rsa-1");

    public static readonly ECDsaSecurityKey ClientEcKey = new(ECDsa.Create(ECCurve.NamedCurves.nistP384)) { KeyId = "client-ec-1" };

    /// <summary>Server settings trusting the identity provider and registering the two clients.</summary>
    public static Dictionary<string, string> Settings(IReadOnlyDictionary<string, string>? more = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Security:Enabled"] = "true",
            ["Security:TokenEndpoint:DemoClient"] = "false",
            ["Security:Issuers:0:Issuer"] = Issuer,
            ["Security:Issuers:0:Jwks"] = Jwks(IdpKey),
            ["Security:TokenEndpoint:Clients:0:ClientId"] = RsaClient,
            ["Security:TokenEndpoint:Clients:0:Jwks"] = Jwks(ClientRsaKey),
            ["Security:TokenEndpoint:Clients:0:Scope"] = "system/*.cruds system/Patient.rs",
            ["Security:TokenEndpoint:Clients:1:ClientId"] = EcClient,
            ["Security:TokenEndpoint:Clients:1:Jwks"] = Jwks(ClientEcKey),
            ["Security:TokenEndpoint:Clients:1:Scope"] = "system/Observation.rs",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>An access token from the trusted identity provider, with the given scopes and claims.</summary>
    public static string Access(
        string scope,
        string? patient = null,
        string audience = Audience,
        string issuer = Issuer,
        DateTime? expires = null,
        SecurityKey? key = null,
        string algorithm = SecurityAlgorithms.RsaSha256,
        string? fhirUser = null,
        string[]? purposes = null,
        string clientId = "test-app")
    {
        var claims = new Dictionary<string, object> { ["scope"] = scope, ["client_id"] = clientId, ["jti"] = Guid.NewGuid().ToString("N") };
        if (patient is not null)
        {
            claims["patient"] = patient;
        }

        if (fhirUser is not null)
        {
            claims["fhirUser"] = fhirUser;
        }

        if (purposes is not null)
        {
            claims["purpose_of_use"] = purposes;
        }

        var expiry = expires ?? DateTime.UtcNow.AddMinutes(5);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", "user-1")]),
            Claims = claims,
            IssuedAt = expiry.AddMinutes(-10),
            NotBefore = expiry.AddMinutes(-10),
            Expires = expiry,
            SigningCredentials = new SigningCredentials(key ?? IdpKey, algorithm),
        });
    }

    /// <summary>A token with <c>alg: none</c> and no signature (RFC 7519 section 6), otherwise perfect.</summary>
    public static string Unsigned(string scope)
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["sub"] = "user-1",
            ["scope"] = scope,
            ["iat"] = now,
            ["exp"] = now + 300,
        }));
        return $"{header}.{payload}.";
    }

    /// <summary>A token signed with HMAC, keyed with the identity provider's public modulus: the classic algorithm confusion.</summary>
    public static string Hmac(string scope)
    {
        var secret = new SymmetricSecurityKey(IdpKey.Rsa.ExportParameters(false).Modulus!) { KeyId = "idp-1" };
        return Access(scope, key: secret, algorithm: SecurityAlgorithms.HmacSha256);
    }

    /// <summary>A client assertion of SMART Backend Services (RFC 7523), signed with the client's key.</summary>
    public static string Assertion(string clientId, SecurityKey key, string algorithm, string? jti = null, string audience = TokenUrl, DateTime? expires = null)
    {
        var expiry = expires ?? DateTime.UtcNow.AddMinutes(4);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = clientId,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", clientId)]),
            Claims = new Dictionary<string, object> { ["jti"] = jti ?? Guid.NewGuid().ToString("N") },
            IssuedAt = expiry.AddMinutes(-5),
            NotBefore = expiry.AddMinutes(-5),
            Expires = expiry,
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    /// <summary>The public halves of <paramref name="keys"/> as a JWK Set.</summary>
    public static string Jwks(params SecurityKey[] keys) =>
        JsonSerializer.Serialize(new { keys = keys.Select(PublicJwk).ToArray() });

    private static Dictionary<string, string> PublicJwk(SecurityKey key)
    {
        switch (key)
        {
            case RsaSecurityKey rsa:
                var p = rsa.Rsa.ExportParameters(false);
                return new() { ["kty"] = "RSA", ["kid"] = rsa.KeyId, ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent) };
            case ECDsaSecurityKey ec:
                var q = ec.ECDsa.ExportParameters(false);
                return new() { ["kty"] = "EC", ["kid"] = ec.KeyId, ["crv"] = "P-384", ["x"] = Base64UrlEncoder.Encode(q.Q.X), ["y"] = Base64UrlEncoder.Encode(q.Q.Y) };
            default:
                throw new ArgumentException($"No JWK for {key.GetType().Name}.", nameof(key));
        }
    }

    private static RsaSecurityKey NewRsa(string keyId) => new(RSA.Create(2048)) { KeyId = keyId };

    /// <summary>Sends a request with <c>Authorization: Bearer</c>.</summary>
    public static Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string url, string? token, string? json = null, string? purpose = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (purpose is not null)
        {
            request.Headers.Add("X-Purpose-Of-Use", purpose);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/fhir+json");
        }

        return client.SendAsync(request);
    }
}
