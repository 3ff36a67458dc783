using System.Collections.Concurrent;
using Microsoft.IdentityModel.Tokens;
using NodaTime;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// The signing keys of a JWK Set given inline or at a URL. A URL is read on first use and again
/// when a token names a key id it does not hold (key rotation), at most once a minute, so a flood
/// of forged key ids cannot turn this server into a client hammering the issuer.
/// </summary>
internal sealed class IssuerKeys(IHttpClientFactory httpClients, IClock clock)
{
    private static readonly NodaTime.Duration RefreshFloor = NodaTime.Duration.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (IList<SecurityKey> Keys, Instant ReadAt)> _byUrl = new();

    /// <summary>Inline JWK Sets parsed once: parsing builds RSA and EC objects, too slow for every request.</summary>
    private readonly ConcurrentDictionary<string, IList<SecurityKey>> _inline = new(StringComparer.Ordinal);

    public async Task<IList<SecurityKey>> GetAsync(string? inlineJwks, string? jwksUrl, string? keyId, CancellationToken cancellationToken)
    {
        if (inlineJwks is not null)
        {
            return _inline.GetOrAdd(inlineJwks, Parse);
        }

        if (jwksUrl is null)
        {
            return [];
        }

        var now = clock.GetCurrentInstant();
        if (_byUrl.TryGetValue(jwksUrl, out var cached) &&
            (keyId is null || cached.Keys.Any(k => k.KeyId == keyId) || now - cached.ReadAt < RefreshFloor))
        {
            return cached.Keys;
        }

        using var client = httpClients.CreateClient(nameof(IssuerKeys));
        var json = await client.GetStringAsync(new Uri(jwksUrl), cancellationToken);
        var keys = Parse(json);
        _byUrl[jwksUrl] = (keys, now);
        return keys;
    }

    public static IList<SecurityKey> Parse(string jwks) => new JsonWebKeySet(jwks).GetSigningKeys();
}
