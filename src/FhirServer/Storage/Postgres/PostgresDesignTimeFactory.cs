using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace FhirMh.FhirServer.Storage.Postgres;

/// <summary>Lets <c>dotnet ef migrations add</c> build the PostgreSQL context; no server is contacted.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresFhirDbContext>
{
    public PostgresFhirDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresFhirDbContext>()
            .UseNpgsql("Host=localhost", o => o.UseNodaTime())
            .Options);
}
