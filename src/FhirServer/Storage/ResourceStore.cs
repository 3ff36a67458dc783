using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Search.Stored;
using FhirMh.FhirServer.Security;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Storage;

/// <summary>
/// Versioned resource storage. Every write is one database transaction; concurrent writers of
/// the same resource are ordered by the database (a conditional flip of the current row plus the
/// unique (type, id, version) key), never by process memory.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Reliability",
    "CA1001",
    Justification = "The caller of BeginTransactionAsync owns and disposes the StoreTransaction; the field only marks it as open.")]
internal sealed partial class ResourceStore(
    FhirDbContext db,
    WriteGate writeGate,
    PendingVersions pending,
    SearchParameterWrites parameterWrites)
{
    /// <summary>
    /// How often a write without If-Match retries after losing a race: each round has one
    /// winner, so this bounds how many writers of one resource can pile up at once.
    /// </summary>
    private const int MaxAttempts = 32;

    public async Task<StoredVersion?> ReadCurrentAsync(string type, string id, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        return await CurrentVersionReader.ReadAsync(db, type, id, cancellationToken);
    }

    /// <summary>Whether <see cref="ReadCurrentAsync(string, string, ConsentCriterion, CancellationToken)"/> is available: on PostgreSQL, where the consent test is a database function.</summary>
    public bool CanReadWithConsent => db.IsPostgres;

    /// <summary>The current version and, in the same statement, whether <paramref name="consent"/> hides it from the caller.</summary>
    public async Task<(StoredVersion? Current, bool IsHidden)> ReadCurrentAsync(string type, string id, ConsentCriterion consent, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        return await CurrentVersionReader.ReadWithConsentAsync(db, type, id, consent, cancellationToken);
    }

    public async Task<StoredVersion?> ReadVersionAsync(string type, string id, int versionId, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        return await StoredVersions.Project(db.Resources.Where(r => r.ResourceType == type && r.ResourceId == id && r.VersionId == versionId))
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>A new server-assigned id, as <see cref="CreateAsync(Resource, CancellationToken)"/> gives.</summary>
    /// <remarks>Version 7 GUIDs are time-ordered, which keeps inserts at the right edge of the index.</remarks>
    public static string NewId() => Guid.CreateVersion7().ToString("N");

    /// <summary>
    /// Creates version 1 under a new server-assigned id. Any id in the body is replaced, as
    /// http.html#create requires.
    /// </summary>
    public Task<StoredVersion> CreateAsync(Resource resource, CancellationToken cancellationToken) =>
        CreateAsync(resource, NewId(), cancellationToken);

    /// <summary>
    /// Creates version 1 under an id from <see cref="NewId"/> that was assigned before the write: a
    /// transaction Bundle must know the ids of its creates to rewrite the references between its
    /// entries before anything is written (http.html#trules).
    /// </summary>
    /// <exception cref="StorageConflictException">A resource with this id exists already.</exception>
    public async Task<StoredVersion> CreateAsync(Resource resource, string assignedId, CancellationToken cancellationToken)
    {
        resource.Id = assignedId;
        if (_transaction is not null && resource.TypeName != StoredSearchParameters.ResourceType)
        {
            // Inside a transaction the create waits in the change tracker, to be saved in one batch
            // with the others (FlushAsync). Its version, id and time are already final.
            await EnterParametersAsync(resource.TypeName, cancellationToken);
            var created = pending.Add(resource, versionId: 1, method: "POST", StatusCodes.Status201Created);
            db.Resources.Add(created);
            _hasPendingCreates = true;
            return ToStored(created);
        }

        await FlushAsync(cancellationToken);
        using var turn = await EnterGateAsync(cancellationToken);
        try
        {
            await using var transaction = _transaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
            await EnterParametersAsync(resource.TypeName, cancellationToken);
            var row = pending.Add(resource, versionId: 1, method: "POST", StatusCodes.Status201Created);
            db.Resources.Add(row);
            try
            {
                await SavePendingAsync(cancellationToken);
            }
            catch (DbUpdateException e) when (UniqueViolation.Is(e))
            {
                throw new StorageConflictException($"{resource.TypeName}/{assignedId} exists already.");
            }

            await parameterWrites.AfterWriteAsync(db, row, cancellationToken);
            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }

            return ToStored(row);
        }
        finally
        {
            pending.Forget();
            EndWrite(resource.TypeName);
        }
    }

    /// <summary>
    /// Writes a new version of <paramref name="resource"/> (update, or update-as-create when the
    /// id is new or its current version is a tombstone).
    /// </summary>
    /// <exception cref="VersionMismatchException">
    /// A precondition does not hold for the current version, also when another writer got there first.
    /// </exception>
    /// <param name="resource">The new content, with the id of the resource to write.</param>
    /// <param name="preconditions">If-Match and If-None-Match, checked against the current version.</param>
    /// <param name="method">PUT or PATCH, as history reports it.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public Task<WriteResult> UpdateAsync(Resource resource, Preconditions preconditions, string method, CancellationToken cancellationToken) =>
        WriteWithRetryAsync(
            resource.TypeName,
            resource.Id ?? throw new ArgumentException("An update needs the resource id.", nameof(resource)),
            preconditions,
            current => pending.Add(
                resource,
                (current?.VersionId ?? 0) + 1,
                method,
                current is null || current.IsDeleted ? StatusCodes.Status201Created : StatusCodes.Status200OK),
            cancellationToken);

    /// <summary>
    /// Writes a tombstone. Deleting a resource that does not exist, or is deleted already, writes
    /// nothing and returns the current state (null when it never existed).
    /// </summary>
    /// <exception cref="VersionMismatchException">See <see cref="UpdateAsync"/>.</exception>
    public async Task<StoredVersion?> DeleteAsync(string type, string id, Preconditions preconditions, CancellationToken cancellationToken)
    {
        var result = await WriteWithRetryAsync(
            type,
            id,
            preconditions,
            current => current is null || current.IsDeleted ? null : pending.Tombstone(type, id, current.VersionId + 1),
            cancellationToken);
        return result.Version;
    }

    private async Task<WriteResult> WriteWithRetryAsync(
        string type,
        string id,
        Preconditions preconditions,
        Func<StoredVersion?, ResourceRow?> nextVersion,
        CancellationToken cancellationToken)
    {
        if (_transaction is not null)
        {
            return await WriteInTransactionAsync(type, id, preconditions, nextVersion, cancellationToken);
        }

        using var turn = await writeGate.EnterAsync(cancellationToken);
        try
        {
            return await WriteWithRetryInGateAsync(type, id, preconditions, nextVersion, cancellationToken);
        }
        finally
        {
            EndWrite(type);
        }
    }

    private async Task<WriteResult> WriteWithRetryInGateAsync(
        string type,
        string id,
        Preconditions preconditions,
        Func<StoredVersion?, ResourceRow?> nextVersion,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await WriteOnceAsync(type, id, preconditions, nextVersion, cancellationToken);
            }
            catch (StorageConflictException) when (!preconditions.IsConditionalWrite && attempt < MaxAttempts)
            {
                // Without If-Match the client asked for "the next version", whichever it is.
                // A little jitter keeps the losers of one round from colliding again in the next.
                await Task.Delay(Random.Shared.Next(1, 2 + attempt), cancellationToken);
            }
            catch (StorageConflictException) when (preconditions.IsConditionalWrite)
            {
                throw new VersionMismatchException(
                    $"{type}/{id} was changed by another request while this conditional write was checked; read it again.",
                    preconditions.IfMatch is not null ? "If-Match" : "If-None-Match");
            }
            finally
            {
                pending.Forget();
            }
        }
    }

    private async Task<WriteResult> WriteInTransactionAsync(
        string type,
        string id,
        Preconditions preconditions,
        Func<StoredVersion?, ResourceRow?> nextVersion,
        CancellationToken cancellationToken)
    {
        try
        {
            return await WriteOnceAsync(type, id, preconditions, nextVersion, cancellationToken);
        }
        catch (StorageConflictException e) when (preconditions.IsConditionalWrite)
        {
            throw new VersionMismatchException(e.Message, preconditions.IfMatch is not null ? "If-Match" : "If-None-Match");
        }
        finally
        {
            pending.Forget();
            EndWrite(type);
        }
    }

    /// <summary>
    /// A SearchParameter write changes the parameters of this process once its transaction has
    /// ended (committed or not); inside a store transaction that is when the transaction ends.
    /// </summary>
    private void EndWrite(string type)
    {
        if (type != StoredSearchParameters.ResourceType)
        {
            return;
        }

        if (_transaction is null)
        {
            parameterWrites.Ended();
        }
        else
        {
            _hasWrittenSearchParameter = true;
        }
    }

    /// <summary>
    /// Takes the <see cref="WriteLock"/> and checks the parameters' stamp (SearchParameterWrites).
    /// Every write calls it before it builds its row, which assigns <c>lastUpdated</c>: history
    /// horizons rely on that order. A store transaction does it once: the lock is held to its end,
    /// and the stamp cannot change under it, unless the transaction itself writes a SearchParameter.
    /// </summary>
    private async Task EnterParametersAsync(string type, CancellationToken cancellationToken)
    {
        var isSearchParameter = type == StoredSearchParameters.ResourceType;
        if (_transaction is not null && _hasEnteredParameters && !isSearchParameter && !_hasWrittenSearchParameter)
        {
            return;
        }

        await parameterWrites.EnterAsync(db, type, cancellationToken);
        _hasEnteredParameters = _transaction is not null && !isSearchParameter;
    }

    /// <summary>The caller already holds the gate inside a store transaction.</summary>
    private ValueTask<WriteGate.Releaser> EnterGateAsync(CancellationToken cancellationToken) =>
        _transaction is null ? writeGate.EnterAsync(cancellationToken) : ValueTask.FromResult(default(WriteGate.Releaser));

    private async Task<WriteResult> WriteOnceAsync(
        string type,
        string id,
        Preconditions preconditions,
        Func<StoredVersion?, ResourceRow?> nextVersion,
        CancellationToken cancellationToken)
    {
        // Inside a store transaction the write joins it; otherwise it is a transaction of its own.
        await FlushAsync(cancellationToken);
        await using var transaction = _transaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        await EnterParametersAsync(type, cancellationToken);
        var current = await ReadCurrentAsync(type, id, cancellationToken);
        preconditions.Check(type, id, current);

        var row = nextVersion(current);
        if (row is null)
        {
            return new WriteResult(current, IsCreated: false);
        }

        if (current is not null)
        {
            // Only one writer can flip the current row: a concurrent one waits on the row lock
            // (PostgreSQL) or the write lock (SQLite) and then finds nothing left to flip.
            var flipped = await db.Resources
                .Where(r => r.RowId == current.RowId && r.IsCurrent)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.IsCurrent, false), cancellationToken);
            if (flipped != 1)
            {
                throw new StorageConflictException($"{type}/{id} changed while it was being written.");
            }

            await pending.DeleteIndexRowsAsync(current.RowId, cancellationToken);
        }

        db.Resources.Add(row);
        try
        {
            await SavePendingAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (UniqueViolation.Is(e))
        {
            throw new StorageConflictException($"{type}/{id} version {row.VersionId} was written by another request.");
        }

        await parameterWrites.AfterWriteAsync(db, row, cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return new WriteResult(ToStored(row), IsCreated: row.Status == StatusCodes.Status201Created);
    }

    private static StoredVersion ToStored(ResourceRow row) =>
        new(row.RowId, row.ResourceType, row.ResourceId, row.VersionId, row.LastUpdated, row.IsDeleted, row.Method, row.Status, row.Json);
}
