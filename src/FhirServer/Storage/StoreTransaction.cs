using Microsoft.EntityFrameworkCore.Storage;

namespace FhirMh.FhirServer.Storage;

/// <summary>
/// One database transaction around several writes, for a transaction Bundle (http.html#transaction):
/// every write of the <see cref="ResourceStore"/> that opened it joins it, and nothing is kept
/// unless <see cref="CommitAsync"/> is called. On SQLite it also holds the write gate throughout.
/// </summary>
internal sealed class StoreTransaction : IAsyncDisposable
{
    private readonly IDbContextTransaction _transaction;
    private readonly WriteGate.Releaser _turn;
    private readonly Func<CancellationToken, Task> _beforeCommit;
    private readonly Action _onEnd;
    private bool _ended;

    internal StoreTransaction(IDbContextTransaction transaction, WriteGate.Releaser turn, Func<CancellationToken, Task> beforeCommit, Action onEnd)
    {
        _transaction = transaction;
        _turn = turn;
        _beforeCommit = beforeCommit;
        _onEnd = onEnd;
    }

    /// <summary>Saves what the store still gathers, then commits.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await _beforeCommit(cancellationToken);
        await _transaction.CommitAsync(cancellationToken);
        await EndAsync();
    }

    /// <summary>Rolls back unless committed.</summary>
    public ValueTask DisposeAsync() => new(EndAsync());

    private async Task EndAsync()
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        try
        {
            await _transaction.DisposeAsync();
        }
        finally
        {
            _turn.Dispose();
            _onEnd();
        }
    }
}
