using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.ProviderRegistry;

/// <summary>The provider registry's tables in the EF Core model.</summary>
internal static class ProviderRegistryModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        var key = modelBuilder.Entity<DuplicateKeyRow>();
        key.ToTable("directory_duplicate_keys");
        key.HasKey(k => new { k.ResourceType, k.Key, k.ResourceId });
        key.Property(k => k.ResourceType).HasColumnName("resource_type").HasMaxLength(64);
        key.Property(k => k.ResourceId).HasColumnName("resource_id").HasMaxLength(64);
        key.Property(k => k.Key).HasColumnName("block_key").HasMaxLength(256);
        key.HasIndex(k => new { k.ResourceType, k.ResourceId }).HasDatabaseName("ix_directory_duplicate_keys_resource");

        var pair = modelBuilder.Entity<PotentialDuplicateRow>();
        pair.ToTable("directory_potential_duplicates");
        pair.HasKey(p => new { p.ResourceType, p.FirstId, p.SecondId });
        pair.Property(p => p.ResourceType).HasColumnName("resource_type").HasMaxLength(64);
        pair.Property(p => p.FirstId).HasColumnName("first_id").HasMaxLength(64);
        pair.Property(p => p.SecondId).HasColumnName("second_id").HasMaxLength(64);
        pair.Property(p => p.Weight).HasColumnName("weight");
        pair.Property(p => p.RuleVersion).HasColumnName("rule_version").HasMaxLength(64);
        pair.Property(p => p.DetectedAt).HasColumnName("detected_at");
        pair.HasIndex(p => new { p.ResourceType, p.SecondId }).HasDatabaseName("ix_directory_potential_duplicates_second");
    }
}
