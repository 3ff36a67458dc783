namespace FhirMh.FhirServer.Storage;

/// <summary>
/// Limits how many writes run at once in this process. SQLite has one writer at a time: queueing
/// writers here, in order, replaces its busy-retry loop (sleeps of up to 100 ms) with a wait of
/// exactly one commit. PostgreSQL needs no gate; its writers meet at row locks and unique keys.
/// </summary>
internal sealed class WriteGate(int? maxConcurrentWrites) : IDisposable
{
    private readonly SemaphoreSlim? _semaphore = maxConcurrentWrites is { } max ? new SemaphoreSlim(max, max) : null;

    public async ValueTask<Releaser> EnterAsync(CancellationToken cancellationToken)
    {
        if (_semaphore is null)
        {
            return default;
        }

        await _semaphore.WaitAsync(cancellationToken);
        return new Releaser(_semaphore);
    }

    public void Dispose() => _semaphore?.Dispose();

    internal readonly struct Releaser(SemaphoreSlim? semaphore) : IDisposable
    {
        public void Dispose() => semaphore?.Release();
    }
}
