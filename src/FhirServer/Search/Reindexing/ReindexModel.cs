using FhirMh.FhirServer.Search.Stored;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Search.Reindexing;

/// <summary>The tables of stored SearchParameters in the EF Core model: the stamp of the set and the re-index jobs.</summary>
internal static class ReindexModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        var state = modelBuilder.Entity<SearchParameterState>();
        state.ToTable("search_parameter_state");
        state.HasKey(s => s.Id);
        state.Property(s => s.Id).HasColumnName("id").ValueGeneratedNever();
        state.Property(s => s.Stamp).HasColumnName("stamp");
        state.HasData(new SearchParameterState { Id = SearchParameterState.SingletonId, Stamp = 0 });

        var job = modelBuilder.Entity<ReindexJob>();
        job.ToTable("reindex_jobs");
        job.HasKey(j => j.Id);
        job.Ignore(j => j.Types);
        job.Property(j => j.Id).HasColumnName("id").ValueGeneratedOnAdd();
        job.Property(j => j.SearchParameterId).HasColumnName("search_parameter_id").HasMaxLength(64);
        job.Property(j => j.SearchParameterVersion).HasColumnName("search_parameter_version");
        job.Property(j => j.Code).HasColumnName("code").HasMaxLength(64);
        job.Property(j => j.ResourceTypes).HasColumnName("resource_types");
        job.Property(j => j.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(16);
        job.Property(j => j.LastRowId).HasColumnName("last_row_id");
        job.Property(j => j.Cursor).HasColumnName("cursor");
        job.Property(j => j.Processed).HasColumnName("processed");
        job.Property(j => j.Total).HasColumnName("total");
        job.Property(j => j.LeaseOwner).HasColumnName("lease_owner").HasMaxLength(128);
        job.Property(j => j.LeaseExpiresAt).HasColumnName("lease_expires_at");
        job.Property(j => j.CreatedAt).HasColumnName("created_at");
        job.Property(j => j.StartedAt).HasColumnName("started_at");
        job.Property(j => j.FinishedAt).HasColumnName("finished_at");
        job.Property(j => j.UpdatedAt).HasColumnName("updated_at");

        // The status operation reads a parameter's newest job; writes end its unfinished ones.
        job.HasIndex(j => new { j.SearchParameterId, j.Id }).HasDatabaseName("ix_reindex_jobs_parameter");
        job.HasIndex(j => j.Status).HasDatabaseName("ix_reindex_jobs_status");
    }
}
