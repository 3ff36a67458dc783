using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Storage.Sqlite;

internal sealed class SqliteFhirDbContext(DbContextOptions<SqliteFhirDbContext> options) : FhirDbContext(options)
{
    public override bool IsPostgres => false;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no instant type: ticks since the Unix epoch sort and compare correctly.
        configurationBuilder.Properties<Instant>().HaveConversion<InstantToTicksConverter>();
    }
}
