using FhirMh.FhirServer.Search.Indexing;
using FhirMh.FhirServer.Search.Sql;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Storage.Postgres;

/// <summary>Instants map to <c>timestamptz</c> through the Npgsql NodaTime plugin; the consent test is a database function (<see cref="ConsentFunction"/>).</summary>
internal sealed class PostgresFhirDbContext(DbContextOptions<PostgresFhirDbContext> options) : FhirDbContext(options)
{
    public override bool IsPostgres => true;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.HasDbFunction(typeof(ConsentFunction).GetMethod(nameof(ConsentFunction.Denies))!).HasName(ConsentFunction.Name);

        // Index values are already normalised; comparing them byte by byte ("C") is what search
        // needs, lets a prefix match use the b-tree index, and is faster than a linguistic collation.
        // Type and id columns keep the database collation: they are compared with the resources table.
        foreach (var rowType in SearchIndexModel.RowTypes)
        {
            foreach (var property in modelBuilder.Entity(rowType).Metadata.GetProperties()
                .Where(p => p.ClrType == typeof(string) && p.Name is not (nameof(IndexRow.ResourceType) or nameof(IndexRow.Param) or nameof(ReferenceIndexRow.TargetType) or nameof(ReferenceIndexRow.TargetId))))
            {
                property.SetCollation("C");
            }
        }
    }
}
