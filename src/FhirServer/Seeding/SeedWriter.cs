using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Seeding;

/// <summary>
/// Stores the resources the server brings with it (the packages' conformance resources) at
/// start-up, so that a second start changes nothing. On PostgreSQL several processes may start
/// together: the writer holds a session advisory lock until it is disposed, so one process
/// stores while the others wait and then find the work done.
/// </summary>
internal sealed class SeedWriter : IAsyncDisposable
{
    /// <summary>An arbitrary constant shared by every FhirMh process: "FhirMhCf" in ASCII.</summary>
    private const long SeedLockKey = 0x467869724D684366;

    private readonly AsyncServiceScope _scope;
    private readonly FhirDbContext _db;
    private readonly ResourceStore _store;
    private readonly FhirSerializers _serializers;
    private readonly bool _isLocked;

    private SeedWriter(AsyncServiceScope scope, bool isLocked)
    {
        _scope = scope;
        _db = scope.ServiceProvider.GetRequiredService<FhirDbContext>();
        _store = scope.ServiceProvider.GetRequiredService<ResourceStore>();
        _serializers = scope.ServiceProvider.GetRequiredService<FhirSerializers>();
        _isLocked = isLocked;
    }

    /// <summary>Opens a writer, waiting on PostgreSQL for another process that is seeding.</summary>
    public static async Task<SeedWriter> OpenAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var scope = services.CreateAsyncScope();
        try
        {
            var db = scope.ServiceProvider.GetRequiredService<FhirDbContext>();
            var isPostgres = db.Database.IsNpgsql();
            if (isPostgres)
            {
                // A session lock: the connection stays open, and the lock with it, until DisposeAsync.
                await db.Database.OpenConnectionAsync(cancellationToken);
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({SeedLockKey})", cancellationToken);
            }

            return new SeedWriter(scope, isPostgres);
        }
        catch
        {
            await scope.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Stores <paramref name="resource"/> as <c>type/id</c> unless that id holds the same content
    /// already; a changed package resource replaces the stored one with a new version.
    /// </summary>
    /// <returns>True when a version was written.</returns>
    public async Task<bool> StoreAtIdAsync(Resource resource, string id, CancellationToken cancellationToken)
    {
        var copy = (Resource)resource.DeepCopy();
        copy.Id = id;
        copy.Meta = null;
        var current = await _store.ReadCurrentAsync(copy.TypeName, id, cancellationToken);
        if (current is { IsDeleted: false, Json: { } json } && IsSame(_serializers.ParseJson(json), copy))
        {
            return false;
        }

        await _store.UpdateAsync(copy, Preconditions.None, "PUT", cancellationToken);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_isLocked)
        {
            await _db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({SeedLockKey})", CancellationToken.None);
            await _db.Database.CloseConnectionAsync();
        }

        await _scope.DisposeAsync();
    }

    private static bool IsSame(Resource stored, Resource seed)
    {
        stored.Meta = null;
        return stored.IsExactly(seed);
    }
}
