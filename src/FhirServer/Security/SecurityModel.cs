using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Security;

/// <summary>The security tables in the EF Core model.</summary>
internal static class SecurityModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        var key = modelBuilder.Entity<SigningKeyRow>();
        key.ToTable("signing_keys");
        key.HasKey(k => k.KeyId);
        key.Property(k => k.KeyId).HasColumnName("kid").HasMaxLength(64);
        key.Property(k => k.PrivateJwk).HasColumnName("private_jwk");
        key.Property(k => k.CreatedAt).HasColumnName("created_at");

        var assertion = modelBuilder.Entity<UsedAssertionRow>();
        assertion.ToTable("used_assertions");
        assertion.HasKey(a => new { a.ClientId, a.JwtId });
        assertion.Property(a => a.ClientId).HasColumnName("client_id").HasMaxLength(256);
        assertion.Property(a => a.JwtId).HasColumnName("jti").HasMaxLength(256);
        assertion.Property(a => a.ExpiresAt).HasColumnName("expires_at");
        assertion.HasIndex(a => a.ExpiresAt).HasDatabaseName("ix_used_assertions_expires_at");
    }
}

/// <summary>A key the built-in token endpoint signs access tokens with, shared by every server process through the database.</summary>
internal sealed class SigningKeyRow
{
    public required string KeyId { get; set; }

    /// <summary>The private key as a JWK (JSON).</summary>
    public required string PrivateJwk { get; set; }

    public Instant CreatedAt { get; set; }
}

/// <summary>A client assertion already exchanged for a token: its <c>jti</c> may not be used again before it expires.</summary>
internal sealed class UsedAssertionRow
{
    public required string ClientId { get; set; }

    public required string JwtId { get; set; }

    public Instant ExpiresAt { get; set; }
}
