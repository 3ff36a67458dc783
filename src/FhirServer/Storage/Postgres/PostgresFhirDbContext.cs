using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Storage.Postgres;

/// <summary>Instants map to <c>timestamptz</c> through the Npgsql NodaTime plugin.</summary>
internal sealed class PostgresFhirDbContext(DbContextOptions<PostgresFhirDbContext> options) : FhirDbContext(options);
