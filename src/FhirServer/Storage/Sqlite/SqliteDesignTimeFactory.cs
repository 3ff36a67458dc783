using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace FhirMh.FhirServer.Storage.Sqlite;

/// <summary>Lets <c>dotnet ef migrations add</c> build the SQLite context without a running host.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteFhirDbContext>
{
    public SqliteFhirDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteFhirDbContext>().UseSqlite("Data Source=design.db").Options);
}
