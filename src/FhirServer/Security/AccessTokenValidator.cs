using System.Collections.Concurrent;
using System.Text.Json;
using FhirMh.FhirServer.Rest;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NodaTime;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// Turns a bearer token into a <see cref="Caller"/>: a JWT signed with an asymmetric key of a
/// trusted issuer (never <c>alg: none</c>, never a shared secret), for this server (<c>aud</c>),
/// within its lifetime (<c>exp</c>, <c>nbf</c>). Anything else is a 401.
/// </summary>
/// <remarks>
/// A client sends the same token with every request until it expires, so a token that validated
/// is remembered (the whole token string, with the base URL it was checked against) and not
/// verified again until it expires, or for at most <see cref="MaxRemembered"/>: the signature
/// check and the parsing cost more than the rest of a secured read. A token that failed is never
/// remembered, so every refusal is checked afresh.
/// </remarks>
internal sealed class AccessTokenValidator(IOptions<SecurityOptions> options, IssuerKeys issuerKeys, ServerSigningKeys serverKeys, IClock clock)
{
    /// <summary>How long a validated token is taken on trust: an issuer key withdrawn meanwhile stops it within this time.</summary>
    private static readonly Duration MaxRemembered = Duration.FromMinutes(5);

    /// <summary>Tokens remembered at most: past it, the expired ones go, and all of them if that is not enough.</summary>
    private const int MaxTokens = 10_000;

    /// <summary>Longer tokens are validated every time, so the memory the remembered tokens take stays bounded (at most 80 MB).</summary>
    private const int MaxRememberedLength = 8192;

    private readonly ConcurrentDictionary<(string Token, string BaseUrl), Validated> _validated = new();

    /// <summary>Asymmetric algorithms only: an HMAC would let anyone holding a public key forge tokens.</summary>
    internal static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
    ];

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public async Task<Caller> ValidateAsync(string token, string baseUrl, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        if (_validated.TryGetValue((token, baseUrl), out var known) && now < known.Until)
        {
            return known.Caller;
        }

        var (caller, expires) = await ValidateAnewAsync(token, baseUrl, cancellationToken);
        if (token.Length <= MaxRememberedLength)
        {
            Remember(token, baseUrl, new Validated(caller, Instant.Min(expires, now + MaxRemembered)), now);
        }

        return caller;
    }

    private void Remember(string token, string baseUrl, Validated validated, Instant now)
    {
        if (_validated.Count >= MaxTokens)
        {
            foreach (var (key, value) in _validated)
            {
                if (value.Until <= now)
                {
                    _validated.TryRemove(key, out _);
                }
            }

            if (_validated.Count >= MaxTokens)
            {
                _validated.Clear();
            }
        }

        _validated[(token, baseUrl)] = validated;
    }

    /// <summary>The caller, and until when the token is valid (its <c>exp</c> plus the allowed clock skew).</summary>
    private async Task<(Caller Caller, Instant Expires)> ValidateAnewAsync(string token, string baseUrl, CancellationToken cancellationToken)
    {
        JsonWebToken unverified;
        try
        {
            unverified = new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            throw FhirException.Unauthorized("The access token is not a JWT.");
        }

        var security = options.Value;
        var issuer = unverified.Issuer;
        IList<SecurityKey> keys;
        if (security.TokenEndpoint.Enabled && issuer == BuiltInIssuer.Of(baseUrl))
        {
            keys = await serverKeys.PublicKeysAsync(cancellationToken);
        }
        else if (security.Issuers.FirstOrDefault(i => i.Issuer == issuer) is { } trusted)
        {
            keys = await issuerKeys.GetAsync(trusted.Jwks, trusted.JwksUrl, unverified.Kid, cancellationToken);
        }
        else
        {
            throw FhirException.Unauthorized($"The access token's issuer '{issuer}' is not trusted by this server.");
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudiences = security.Audiences.Count > 0 ? security.Audiences : [baseUrl],
            IssuerSigningKeys = keys,
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = security.ClockSkew,
        };
        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            throw FhirException.Unauthorized(Describe(result.Exception));
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        var caller = new Caller(
            Claim(jwt, "client_id") ?? Claim(jwt, "azp"),
            Claim(jwt, "sub"),
            Claim(jwt, "fhirUser"),
            Claim(jwt, "patient"),
            SmartScope.ParseAll(Scopes(jwt)))
        {
            AllowedPurposes = Words(jwt, "purpose_of_use"),
            TokenKey = issuer + "|" + (jwt.Id is { Length: > 0 } jti ? jti : Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)))),
        };
        return (caller, Instant.FromDateTimeUtc(DateTime.SpecifyKind(jwt.ValidTo, DateTimeKind.Utc)) + Duration.FromTimeSpan(security.ClockSkew));
    }

    private sealed record Validated(Caller Caller, Instant Until);

    /// <summary>A claim holding a list: a JSON array, or one space-separated string.</summary>
    private static IReadOnlyList<string> Words(JsonWebToken jwt, string name)
    {
        if (!jwt.TryGetPayloadValue<JsonElement>(name, out var value))
        {
            return [];
        }

        return value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(e => e.GetString()).OfType<string>().ToList()
            : (value.GetString() ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string Describe(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException => "The access token has expired.",
        SecurityTokenNotYetValidException => "The access token is not valid yet (nbf).",
        SecurityTokenNoExpirationException => "The access token has no expiry (exp).",
        SecurityTokenInvalidAudienceException => "The access token is not for this server: its aud must be this server's FHIR base URL.",
        SecurityTokenInvalidIssuerException => "The access token's issuer is not trusted by this server.",
        SecurityTokenInvalidAlgorithmException => "The access token is signed with an algorithm this server does not accept (RS256/384/512, ES256/384/512, PS256/384/512).",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "The access token's signature does not verify with its issuer's keys.",
        SecurityTokenMalformedException or ArgumentException => "The access token is not a well-formed JWT.",
        _ => "The access token is not valid.",
    };

    private static string? Claim(JsonWebToken jwt, string name) =>
        jwt.TryGetPayloadValue<string>(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    /// <summary><c>scope</c> as SMART sends it (space-separated), or <c>scp</c> as some identity providers send it (an array or a string).</summary>
    private static string? Scopes(JsonWebToken jwt)
    {
        if (Claim(jwt, "scope") is { } scope)
        {
            return scope;
        }

        if (jwt.TryGetPayloadValue<JsonElement>("scp", out var scp))
        {
            return scp.ValueKind == JsonValueKind.Array
                ? string.Join(' ', scp.EnumerateArray().Select(e => e.GetString()))
                : scp.GetString();
        }

        return null;
    }
}

/// <summary>The <c>iss</c> of the tokens the built-in token endpoint issues: the server's own FHIR base.</summary>
internal static class BuiltInIssuer
{
    public const string TokenPath = "/auth/token";

    public const string JwksPath = "/auth/jwks";

    public static string Of(string baseUrl) => baseUrl;

    /// <summary>The token endpoint beside the FHIR base, e.g. <c>http://host/auth/token</c> for <c>http://host/fhir</c>.</summary>
    public static string TokenUrl(string baseUrl) => ServerRoot(baseUrl) + TokenPath;

    public static string JwksUrl(string baseUrl) => ServerRoot(baseUrl) + JwksPath;

    private static string ServerRoot(string baseUrl) => baseUrl[..^Rest.FhirEndpoints.BasePath.Length];
}
