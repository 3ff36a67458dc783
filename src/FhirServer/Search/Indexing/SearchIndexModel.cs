using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FhirMh.FhirServer.Search.Indexing;

/// <summary>The index tables in the EF Core model: one table per search parameter type.</summary>
internal static class SearchIndexModel
{
    public static readonly Type[] RowTypes =
    [
        typeof(StringIndexRow), typeof(TokenIndexRow), typeof(DateIndexRow), typeof(NumberIndexRow),
        typeof(QuantityIndexRow), typeof(ReferenceIndexRow), typeof(UriIndexRow), typeof(CompositeIndexRow), typeof(PositionIndexRow), typeof(ScheduleIndexRow),
    ];

    /// <summary>The table of each row type, also used by the raw delete of a superseded version's rows.</summary>
    public static readonly IReadOnlyList<string> Tables =
        ["ix_string", "ix_token", "ix_date", "ix_number", "ix_quantity", "ix_reference", "ix_uri", "ix_composite", "ix_position", "ix_schedule"];

    /// <remarks>
    /// The value indexes of strings, tokens and references end with the row id: a criterion then
    /// reads its matching rows from the index alone, already in row id order (the default order of
    /// search results), so criteria merge side by side and a page stops reading once it is full.
    /// </remarks>
    public static void Configure(ModelBuilder modelBuilder)
    {
        var strings = Table<StringIndexRow>(modelBuilder, "ix_string");
        strings.Property(r => r.Value).HasColumnName("value");
        strings.Property(r => r.Exact).HasColumnName("exact");
        strings.HasIndex(r => new { r.ResourceType, r.Param, r.Value, r.RowId }).HasDatabaseName("ix_string_value");

        var tokens = Table<TokenIndexRow>(modelBuilder, "ix_token");
        tokens.Property(r => r.System).HasColumnName("system");
        tokens.Property(r => r.Code).HasColumnName("code");
        tokens.Property(r => r.Text).HasColumnName("text");
        tokens.HasIndex(r => new { r.ResourceType, r.Param, r.Code, r.System, r.RowId }).HasDatabaseName("ix_token_code");

        var dates = Table<DateIndexRow>(modelBuilder, "ix_date");
        dates.Property(r => r.Start).HasColumnName("start");
        dates.Property(r => r.End).HasColumnName("end");
        // Both hold a sort order of their own (DateSortPage): the earliest start first, and the latest
        // end first, each with the row id breaking ties as SortOrder does.
        dates.HasIndex(r => new { r.ResourceType, r.Param, r.Start, r.RowId, r.End }).HasDatabaseName("ix_date_range");
        dates.HasIndex(r => new { r.ResourceType, r.Param, r.End, r.RowId }).IsDescending(false, false, true, false).HasDatabaseName("ix_date_latest");

        var numbers = Table<NumberIndexRow>(modelBuilder, "ix_number");
        numbers.Property(r => r.Value).HasColumnName("value");
        numbers.HasIndex(r => new { r.ResourceType, r.Param, r.Value }).HasDatabaseName("ix_number_value");

        var quantities = Table<QuantityIndexRow>(modelBuilder, "ix_quantity");
        quantities.Property(r => r.System).HasColumnName("system");
        quantities.Property(r => r.Code).HasColumnName("code");
        quantities.Property(r => r.Value).HasColumnName("value");
        quantities.Property(r => r.CanonicalCode).HasColumnName("canonical_code");
        quantities.Property(r => r.CanonicalValue).HasColumnName("canonical_value");
        quantities.HasIndex(r => new { r.ResourceType, r.Param, r.Value }).HasDatabaseName("ix_quantity_value");
        quantities.HasIndex(r => new { r.ResourceType, r.Param, r.CanonicalCode, r.CanonicalValue }).HasDatabaseName("ix_quantity_canonical");

        var references = Table<ReferenceIndexRow>(modelBuilder, "ix_reference");
        references.Property(r => r.TargetType).HasColumnName("target_type");
        references.Property(r => r.TargetId).HasColumnName("target_id");
        references.Property(r => r.TargetVersion).HasColumnName("target_version");
        references.Property(r => r.Url).HasColumnName("url");
        references.Property(r => r.IdentifierSystem).HasColumnName("identifier_system");
        references.Property(r => r.IdentifierValue).HasColumnName("identifier_value");

        // Forward (Observation?subject=Patient/1) and reverse (_has, _revinclude) lookups both
        // know the referring type and parameter, and the target id.
        references.HasIndex(r => new { r.ResourceType, r.Param, r.TargetId, r.TargetType, r.RowId }).HasDatabaseName("ix_reference_target");
        references.HasIndex(r => new { r.ResourceType, r.Param, r.Url }).HasDatabaseName("ix_reference_url");

        // Everything that refers to one resource, whatever the type and parameter: compartments and $everything.
        references.HasIndex(r => new { r.TargetId, r.TargetType }).HasDatabaseName("ix_reference_by_target");

        var uris = Table<UriIndexRow>(modelBuilder, "ix_uri");
        uris.Property(r => r.Value).HasColumnName("value");
        uris.HasIndex(r => new { r.ResourceType, r.Param, r.Value }).HasDatabaseName("ix_uri_value");

        var composites = Table<CompositeIndexRow>(modelBuilder, "ix_composite");
        composites.Property(r => r.FirstSystem).HasColumnName("first_system");
        composites.Property(r => r.FirstCode).HasColumnName("first_code");
        composites.Property(r => r.SecondSystem).HasColumnName("second_system");
        composites.Property(r => r.SecondCode).HasColumnName("second_code");
        composites.Property(r => r.SecondNumber).HasColumnName("second_number");
        composites.Property(r => r.SecondCanonicalCode).HasColumnName("second_canonical_code");
        composites.Property(r => r.SecondCanonicalNumber).HasColumnName("second_canonical_number");
        composites.Property(r => r.SecondStart).HasColumnName("second_start");
        composites.Property(r => r.SecondEnd).HasColumnName("second_end");
        composites.Property(r => r.SecondText).HasColumnName("second_text");
        composites.HasIndex(r => new { r.ResourceType, r.Param, r.FirstCode, r.FirstSystem }).HasDatabaseName("ix_composite_first");

        // near narrows on latitude first: a radius is at most a band of latitudes wide.
        var positions = Table<PositionIndexRow>(modelBuilder, "ix_position");
        positions.Property(r => r.Latitude).HasColumnName("latitude");
        positions.Property(r => r.Longitude).HasColumnName("longitude");
        positions.Property(r => r.X).HasColumnName("x");
        positions.Property(r => r.Y).HasColumnName("y");
        positions.Property(r => r.Z).HasColumnName("z");
        positions.HasIndex(r => new { r.ResourceType, r.Param, r.Latitude }).HasDatabaseName("ix_position_latitude");

        var schedules = Table<ScheduleIndexRow>(modelBuilder, "ix_schedule");
        schedules.Property(r => r.Kind).HasColumnName("kind");
        schedules.Property(r => r.Day).HasColumnName("day");
        schedules.Property(r => r.StartMinute).HasColumnName("start_minute");
        schedules.Property(r => r.EndMinute).HasColumnName("end_minute");
        schedules.Property(r => r.From).HasColumnName("from");
        schedules.Property(r => r.To).HasColumnName("to");
        schedules.HasIndex(r => new { r.ResourceType, r.Param, r.Kind, r.Day, r.StartMinute }).HasDatabaseName("ix_schedule_hours");
    }

    private static EntityTypeBuilder<T> Table<T>(ModelBuilder modelBuilder, string table)
        where T : IndexRow
    {
        var entity = modelBuilder.Entity<T>();
        entity.ToTable(table);
        entity.HasKey(r => new { r.RowId, r.Param, r.Ordinal });
        entity.Property(r => r.RowId).HasColumnName("row_id");
        entity.Property(r => r.ResourceType).HasColumnName("resource_type").HasMaxLength(64);
        entity.Property(r => r.Param).HasColumnName("param").HasMaxLength(64);
        entity.Property(r => r.Ordinal).HasColumnName("ordinal");
        // No foreign key to resources: index rows are written only by the writer of their version,
        // in its transaction, and removed with it (PendingVersions.DeleteIndexRowsAsync); version
        // rows are never deleted. A foreign key checked every index row against its version row
        // and locked that row, about half the cost of inserting the index rows (docs/benchmarks.md).
        entity.Ignore(r => r.Row);
        return entity;
    }
}
