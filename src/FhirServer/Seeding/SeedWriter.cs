using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using FhirMh.FhirServer.Validation;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Seeding;

/// <summary>
/// Stores the resources the server brings with it (the packages' conformance resources, the
/// seeds/ folder) at start-up, so that a second start changes nothing. On PostgreSQL several
/// processes may start together: the writer holds a session advisory lock until it is disposed,
/// so one process stores while the others wait and then find the work done.
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
            var isPostgres = db.IsPostgres;
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

    /// <summary>
    /// Creates <paramref name="resource"/> unless a current resource of its type has its
    /// <c>url</c> and <c>version</c>, whatever that resource's id: a canonical resource is
    /// identified by url and version (resource.html#canonical), and a client may have stored or
    /// changed one under another id. The seed's id is kept when no live resource has it.
    /// </summary>
    /// <returns>True when a resource was created.</returns>
    /// <exception cref="ArgumentException">The resource has no <c>url</c> or no <c>version</c>.</exception>
    public async Task<bool> StoreByCanonicalAsync(Resource resource, CancellationToken cancellationToken)
    {
        if (resource is not IVersionableConformanceResource { Url: { Length: > 0 } url, Version: { Length: > 0 } version })
        {
            throw new ArgumentException($"A {resource.TypeName} seed needs a url and a version.", nameof(resource));
        }

        var isStored = await StoredCanonicals.WithUrl(_db, url, [resource.TypeName])
            .WithVersion(_db, version)
            .AnyAsync(cancellationToken);
        if (isStored)
        {
            return false;
        }

        var copy = (Resource)resource.DeepCopy();
        if (copy.Id is { Length: > 0 })
        {
            try
            {
                // If-None-Match: * makes the check and the write one step, so a resource stored
                // under this id in the meantime is never overwritten.
                await _store.UpdateAsync(copy, Preconditions.NoLiveResource, "PUT", cancellationToken);
                return true;
            }
            catch (VersionMismatchException)
            {
                // The id belongs to another resource: the seed gets an id of the server's.
            }
        }

        await _store.CreateAsync(copy, cancellationToken);
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
