using FhirMh.FhirServer.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Storage;

/// <summary>
/// The store transaction: one database transaction that every write joins while it is open (a
/// transaction Bundle's entries), with the checks and saves that wait for its commit.
/// </summary>
internal sealed partial class ResourceStore
{
    private StoreTransaction? _transaction;

    /// <summary>True when the open store transaction wrote a SearchParameter: its end changes this process's parameters.</summary>
    private bool _hasWrittenSearchParameter;

    /// <summary>True once the open store transaction has taken the search parameter lock and stamp.</summary>
    private bool _hasEnteredParameters;

    /// <summary>
    /// True while creates of the open store transaction wait in the change tracker: they are saved
    /// together, in one batch, before anything reads and at commit.
    /// </summary>
    private bool _hasPendingCreates;

    /// <summary>True when the open store transaction wrote a Subscription: the catalog stamp changes at its commit.</summary>
    private bool _hasWrittenSubscription;

    /// <summary>Checks that run when the open store transaction commits (<see cref="BeforeCommit"/>).</summary>
    private readonly List<Func<CancellationToken, Task>> _commitChecks = [];

    /// <summary>True while a <see cref="StoreTransaction"/> opened here is active: writes join it.</summary>
    public bool IsInTransaction => _transaction is not null;

    /// <summary>
    /// Opens one database transaction that every following write of this store joins until it is
    /// committed or disposed. A write that loses a race inside it is not retried: the whole
    /// transaction fails, as http.html#transaction requires.
    /// </summary>
    public async Task<StoreTransaction> BeginTransactionAsync(CancellationToken cancellationToken)
    {
        if (_transaction is not null)
        {
            throw new InvalidOperationException("A store transaction is already open.");
        }

        var turn = await writeGate.EnterAsync(cancellationToken);
        try
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            _transaction = new StoreTransaction(transaction, turn, CommitChecksAsync, () =>
            {
                _transaction = null;
                _commitChecks.Clear();
                _hasEnteredParameters = false;
                _hasPendingCreates = false;
                _hasWrittenSubscription = false;
                pending.Forget();
                if (_hasWrittenSearchParameter)
                {
                    _hasWrittenSearchParameter = false;
                    parameterWrites.Ended();
                }
            });
            return _transaction;
        }
        catch
        {
            turn.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="check"/> when the open store transaction commits, after every write in
    /// it: for rules about the transaction as a whole, such as a reference to a resource that a
    /// later entry of a transaction Bundle creates. A check that throws rolls everything back.
    /// </summary>
    public void BeforeCommit(Func<CancellationToken, Task> check)
    {
        if (_transaction is null)
        {
            throw new InvalidOperationException("No store transaction is open.");
        }

        _commitChecks.Add(check);
    }

    private async Task CommitChecksAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        foreach (var check in _commitChecks)
        {
            await check(cancellationToken);
        }

        await FlushAsync(cancellationToken);
        if (_hasWrittenSubscription)
        {
            await SubscriptionCatalog.ChangeStampAsync(db, cancellationToken);
        }
    }

    /// <summary>
    /// Saves what <see cref="PendingVersions"/> holds. A Subscription among it changes the catalog
    /// stamp: at once for a write of its own, and as the last statement of a store transaction,
    /// so the stamp row is locked only while the transaction commits. Two transaction Bundles
    /// writing a Subscription and another resource in opposite orders would otherwise deadlock.
    /// </summary>
    private async Task SavePendingAsync(CancellationToken cancellationToken)
    {
        if (await pending.SaveAsync(cancellationToken))
        {
            if (_transaction is null)
            {
                await SubscriptionCatalog.ChangeStampAsync(db, cancellationToken);
            }
            else
            {
                _hasWrittenSubscription = true;
            }
        }
    }

    /// <summary>
    /// Saves the creates a store transaction has gathered, in one batch (many rows per round trip).
    /// Called before anything in the transaction reads, and at commit.
    /// </summary>
    /// <exception cref="StorageConflictException">A gathered id exists already.</exception>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (!_hasPendingCreates)
        {
            return;
        }

        _hasPendingCreates = false;
        try
        {
            await SavePendingAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (UniqueViolation.Is(e))
        {
            throw new StorageConflictException("A resource created in this transaction has an id that exists already.");
        }
        finally
        {
            pending.Forget();
        }
    }
}
