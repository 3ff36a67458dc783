using System.Security.Cryptography;
using System.Text.Json;
using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using NodaTime;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// The key the built-in token endpoint signs with: created once, in the database, so that every
/// server process on it signs and verifies with the same key and a restart keeps issued tokens valid.
/// </summary>
internal sealed class ServerSigningKeys(IServiceScopeFactory scopes, IClock clock) : IDisposable
{
    public const string Algorithm = SecurityAlgorithms.RsaSha384;

    private readonly SemaphoreSlim _loading = new(1, 1);
    private RsaSecurityKey? _key;

    public void Dispose()
    {
        _loading.Dispose();
        _key?.Rsa.Dispose();
    }

    public async Task<SigningCredentials> CredentialsAsync(CancellationToken cancellationToken) =>
        new(await KeyAsync(cancellationToken), Algorithm);

    public async Task<IList<SecurityKey>> PublicKeysAsync(CancellationToken cancellationToken) => [await KeyAsync(cancellationToken)];

    /// <summary>The public half as a JWK Set, for <c>jwks_uri</c>.</summary>
    public async Task<string> PublicJwksAsync(CancellationToken cancellationToken)
    {
        var key = await KeyAsync(cancellationToken);
        return PublicJwks.Of(key.Rsa, key.KeyId, Algorithm);
    }

    private async Task<RsaSecurityKey> KeyAsync(CancellationToken cancellationToken)
    {
        if (_key is { } key)
        {
            return key;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            return _key ??= await LoadOrCreateAsync(cancellationToken);
        }
        finally
        {
            _loading.Release();
        }
    }

    private async Task<RsaSecurityKey> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FhirDbContext>();
        var stored = await db.Set<SigningKeyRow>().AsNoTracking().OrderBy(k => k.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (stored is null)
        {
            using var rsa = RSA.Create(3072);
            var row = new SigningKeyRow
            {
                KeyId = Guid.NewGuid().ToString("N"),
                PrivateJwk = JsonSerializer.Serialize(PrivateJwk(rsa.ExportParameters(includePrivateParameters: true))),
                CreatedAt = clock.GetCurrentInstant(),
            };
            db.Add(row);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another process created its key at the same moment; the oldest is everyone's key.
                db.ChangeTracker.Clear();
            }

            stored = await db.Set<SigningKeyRow>().AsNoTracking().OrderBy(k => k.CreatedAt).ThenBy(k => k.KeyId).FirstAsync(cancellationToken);
        }

        return FromJwk(stored.KeyId, JsonSerializer.Deserialize<Dictionary<string, string>>(stored.PrivateJwk)!);
    }

    private static Dictionary<string, string> PrivateJwk(RSAParameters p) => new()
    {
        ["kty"] = "RSA",
        ["n"] = Base64UrlEncoder.Encode(p.Modulus),
        ["e"] = Base64UrlEncoder.Encode(p.Exponent),
        ["d"] = Base64UrlEncoder.Encode(p.D),
        ["p"] = Base64UrlEncoder.Encode(p.P),
        ["q"] = Base64UrlEncoder.Encode(p.Q),
        ["dp"] = Base64UrlEncoder.Encode(p.DP),
        ["dq"] = Base64UrlEncoder.Encode(p.DQ),
        ["qi"] = Base64UrlEncoder.Encode(p.InverseQ),
    };

    private static RsaSecurityKey FromJwk(string keyId, Dictionary<string, string> jwk)
    {
#pragma warning disable CA2000 // The key owns the RSA instance; Dispose releases it with this service.
        var rsa = RSA.Create();
#pragma warning restore CA2000
        rsa.ImportParameters(new RSAParameters
        {
            Modulus = Base64UrlEncoder.DecodeBytes(jwk["n"]),
            Exponent = Base64UrlEncoder.DecodeBytes(jwk["e"]),
            D = Base64UrlEncoder.DecodeBytes(jwk["d"]),
            P = Base64UrlEncoder.DecodeBytes(jwk["p"]),
            Q = Base64UrlEncoder.DecodeBytes(jwk["q"]),
            DP = Base64UrlEncoder.DecodeBytes(jwk["dp"]),
            DQ = Base64UrlEncoder.DecodeBytes(jwk["dq"]),
            InverseQ = Base64UrlEncoder.DecodeBytes(jwk["qi"]),
        });
        return new RsaSecurityKey(rsa) { KeyId = keyId };
    }
}
