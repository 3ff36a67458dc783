using FhirMh.FhirServer.ClientRegistry;
using FhirMh.FhirServer.ProviderRegistry;
using FhirMh.FhirServer.Search.Indexing;
using FhirMh.FhirServer.Search.Reindexing;
using FhirMh.FhirServer.Search.Stored;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Storage;

/// <summary>
/// The one EF Core model. Each provider has a subclass of its own so that it keeps its own
/// migration set (<see cref="Sqlite.SqliteFhirDbContext"/>, <see cref="Postgres.PostgresFhirDbContext"/>).
/// </summary>
internal abstract class FhirDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>
    /// True on PostgreSQL. Each provider has its own context type, so this is a constant, where
    /// <c>Database.IsNpgsql()</c> looks the provider up through the context's services at each call
    /// (about 2% of the server's processor time on a secured read, which asks it more than once).
    /// </summary>
    public abstract bool IsPostgres { get; }

    public DbSet<ResourceRow> Resources => Set<ResourceRow>();

    public DbSet<StringIndexRow> StringIndex => Set<StringIndexRow>();

    public DbSet<TokenIndexRow> TokenIndex => Set<TokenIndexRow>();

    public DbSet<DateIndexRow> DateIndex => Set<DateIndexRow>();

    public DbSet<NumberIndexRow> NumberIndex => Set<NumberIndexRow>();

    public DbSet<QuantityIndexRow> QuantityIndex => Set<QuantityIndexRow>();

    public DbSet<ReferenceIndexRow> ReferenceIndex => Set<ReferenceIndexRow>();

    public DbSet<UriIndexRow> UriIndex => Set<UriIndexRow>();

    public DbSet<CompositeIndexRow> CompositeIndex => Set<CompositeIndexRow>();

    public DbSet<PositionIndexRow> PositionIndex => Set<PositionIndexRow>();

    public DbSet<ScheduleIndexRow> ScheduleIndex => Set<ScheduleIndexRow>();

    public DbSet<SearchParameterState> SearchParameterStates => Set<SearchParameterState>();

    public DbSet<ReindexJob> ReindexJobs => Set<ReindexJob>();

    public DbSet<RegistryRecordRow> RegistryRecords => Set<RegistryRecordRow>();

    public DbSet<BlockingKeyRow> BlockingKeys => Set<BlockingKeyRow>();

    public DbSet<PotentialMatchRow> PotentialMatches => Set<PotentialMatchRow>();

    public DbSet<CannotLinkRow> CannotLinks => Set<CannotLinkRow>();

    public DbSet<DuplicateKeyRow> DuplicateKeys => Set<DuplicateKeyRow>();

    public DbSet<PotentialDuplicateRow> PotentialDuplicates => Set<PotentialDuplicateRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var row = modelBuilder.Entity<ResourceRow>();
        row.ToTable("resources");
        row.HasKey(r => r.RowId);
        row.Property(r => r.RowId).HasColumnName("row_id").ValueGeneratedOnAdd();
        row.Property(r => r.ResourceType).HasColumnName("resource_type").HasMaxLength(64);
        row.Property(r => r.ResourceId).HasColumnName("resource_id").HasMaxLength(64);
        row.Property(r => r.VersionId).HasColumnName("version_id");
        row.Property(r => r.IsCurrent).HasColumnName("is_current");
        row.Property(r => r.IsDeleted).HasColumnName("is_deleted");
        row.Property(r => r.Method).HasColumnName("method").HasMaxLength(8);
        row.Property(r => r.Status).HasColumnName("status");
        row.Property(r => r.LastUpdated).HasColumnName("last_updated");
        row.Property(r => r.Json).HasColumnName("json");

        // Racing writers of the same version collide here, in the database, so the guard
        // holds across several server processes sharing one PostgreSQL.
        row.HasIndex(r => new { r.ResourceType, r.ResourceId, r.VersionId })
            .IsUnique()
            .HasDatabaseName("ux_resources_version");

        // At most one current version per resource; also the index behind read-by-id.
        row.HasIndex(r => new { r.ResourceType, r.ResourceId })
            .IsUnique()
            .HasFilter("is_current")
            .HasDatabaseName("ux_resources_current");

        // Type-level history, newest first.
        row.HasIndex(r => new { r.ResourceType, r.RowId })
            .HasDatabaseName("ix_resources_type_row");

        // The current, live rows of a type in row id order, from the index alone: where every
        // search starts, and the order its pages follow when no _sort is given. The resource id
        // rides along for chains, which turn the rows their inner criteria match into ids.
        row.HasIndex(r => new { r.ResourceType, r.RowId, r.ResourceId }, "ix_resources_live")
            .HasFilter("is_current AND NOT is_deleted");

        row.HasIndex(r => r.LastUpdated)
            .HasDatabaseName("ix_resources_last_updated");

        SearchIndexModel.Configure(modelBuilder);
        ReindexModel.Configure(modelBuilder);
        RegistryModel.Configure(modelBuilder);
        ProviderRegistryModel.Configure(modelBuilder);
        Security.SecurityModel.Configure(modelBuilder);
        Security.ConsentModel.Configure(modelBuilder);
        Subscriptions.SubscriptionModel.Configure(modelBuilder);
    }
}
