using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>The client registry's tables in the EF Core model.</summary>
internal static class RegistryModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        var record = modelBuilder.Entity<RegistryRecordRow>();
        record.ToTable("mpi_records");
        record.HasKey(r => r.SourceId);
        record.Property(r => r.SourceId).HasColumnName("source_id").HasMaxLength(64);
        record.Property(r => r.GoldenId).HasColumnName("golden_id").HasMaxLength(64);
        record.Property(r => r.Fields).HasColumnName("fields");
        record.Property(r => r.Systems).HasColumnName("systems");
        record.Property(r => r.RuleVersion).HasColumnName("rule_version").HasMaxLength(64);
        record.Property(r => r.Score).HasColumnName("score");
        record.Property(r => r.Method).HasColumnName("method").HasMaxLength(16);
        record.HasIndex(r => r.GoldenId).HasDatabaseName("ix_mpi_records_golden");

        var key = modelBuilder.Entity<BlockingKeyRow>();
        key.ToTable("mpi_block_keys");
        key.HasKey(k => new { k.Key, k.SourceId });
        key.Property(k => k.Key).HasColumnName("block_key").HasMaxLength(256);
        key.Property(k => k.SourceId).HasColumnName("source_id").HasMaxLength(64);
        key.HasIndex(k => k.SourceId).HasDatabaseName("ix_mpi_block_keys_source");

        var potential = modelBuilder.Entity<PotentialMatchRow>();
        potential.ToTable("mpi_potential_matches");
        potential.HasKey(p => new { p.SourceId, p.GoldenId });
        potential.Property(p => p.SourceId).HasColumnName("source_id").HasMaxLength(64);
        potential.Property(p => p.GoldenId).HasColumnName("golden_id").HasMaxLength(64);
        potential.Property(p => p.Score).HasColumnName("score");
        potential.Property(p => p.RuleVersion).HasColumnName("rule_version").HasMaxLength(64);
        potential.HasIndex(p => p.GoldenId).HasDatabaseName("ix_mpi_potential_matches_golden");

        var cannotLink = modelBuilder.Entity<CannotLinkRow>();
        cannotLink.ToTable("mpi_cannot_links");
        cannotLink.HasKey(c => new { c.SourceId, c.GoldenId });
        cannotLink.Property(c => c.SourceId).HasColumnName("source_id").HasMaxLength(64);
        cannotLink.Property(c => c.GoldenId).HasColumnName("golden_id").HasMaxLength(64);
    }
}
