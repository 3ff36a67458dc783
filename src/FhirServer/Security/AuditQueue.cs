using System.Threading.Channels;
using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// AuditEvents of reads and of refused requests, written off the request path: the request only
/// queues its record; <see cref="AuditWriter"/> writes them in batches, each batch in one
/// database transaction, and drains the queue when the server stops.
/// </summary>
internal sealed class AuditQueue
{
    private readonly Channel<(AuditRecord Record, string BaseUrl)> _channel = Channel.CreateUnbounded<(AuditRecord, string)>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(AuditRecord record, string baseUrl) => _channel.Writer.TryWrite((record, baseUrl));

    public ChannelReader<(AuditRecord Record, string BaseUrl)> Reader => _channel.Reader;

    public void Complete() => _channel.Writer.TryComplete();
}

/// <summary>Writes the queued AuditEvents: one per patient concerned (one without a patient when none is).</summary>
internal sealed partial class AuditWriter(
    AuditQueue queue,
    IServiceScopeFactory scopes,
    IOptions<AuditOptions> options,
    ILogger<AuditWriter> logger) : BackgroundService
{
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Complete();
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = queue.Reader;
        var batch = new List<(AuditRecord Record, string BaseUrl)>();

        // Not stoppingToken: the queue is drained after stop; Complete() ends the loop.
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            using var window = new CancellationTokenSource(options.Value.FlushInterval);
            while (batch.Count < options.Value.BatchSize)
            {
                if (reader.TryRead(out var item))
                {
                    batch.Add(item);
                    continue;
                }

                try
                {
                    if (!await reader.WaitToReadAsync(window.Token))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            await WriteAsync(batch);
            batch.Clear();
        }
    }

    private async Task WriteAsync(List<(AuditRecord Record, string BaseUrl)> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var scope = scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<FhirDbContext>();
                var store = scope.ServiceProvider.GetRequiredService<ResourceStore>();
                // A refused or empty read returned no rows: the resource it named says whose data was asked for.
                var named = await NamedRowsAsync(db, batch.Where(b => b.Record.RowIds.Count == 0).Select(b => b.Record), CancellationToken.None);
                batch = batch.Select(b => b.Record.RowIds.Count == 0 && b.Record.ResourceType is { } t && b.Record.ResourceId is { } i && named.TryGetValue((t, i), out var row)
                    ? (b.Record with { RowIds = [row] }, b.BaseUrl)
                    : b).ToList();
                var patients = await scope.ServiceProvider.GetRequiredService<AuditPatients>()
                    .OfRowsAsync(db, batch.SelectMany(b => b.Record.RowIds).ToList(), CancellationToken.None);
                var concerned = batch.Select(b => b.Record.Patients.Concat(b.Record.RowIds.SelectMany(r => patients.GetValueOrDefault(r) ?? [])).Distinct().ToList()).ToList();
                var consents = await AuditPatients.ConsentsOfAsync(db, concerned.SelectMany(c => c).ToList(), CancellationToken.None);
                await using var transaction = await store.BeginTransactionAsync(CancellationToken.None);
                for (var i = 0; i < batch.Count; i++)
                {
                    var (record, baseUrl) = batch[i];
                    foreach (var patient in concerned[i].Count == 0 ? [null] : concerned[i].Select(p => (string?)p))
                    {
                        var consent = patient is null ? null : consents.GetValueOrDefault(patient);
                        await store.CreateAsync(AuditEvents.Build(record, patient, consent, baseUrl), CancellationToken.None);
                    }
                }

                await transaction.CommitAsync(CancellationToken.None);
                return;
            }
            catch (Exception e) when (attempt < 5)
            {
                LogRetry(logger, e, batch.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
            catch (Exception e)
            {
                LogLost(logger, e, batch.Count);
                return;
            }
        }
    }

    private static async Task<Dictionary<(string Type, string Id), long>> NamedRowsAsync(FhirDbContext db, IEnumerable<AuditRecord> records, CancellationToken cancellationToken)
    {
        var result = new Dictionary<(string, string), long>();
        foreach (var group in records.Where(r => r.ResourceType is not null && r.ResourceId is not null).GroupBy(r => r.ResourceType!))
        {
            var ids = group.Select(r => r.ResourceId!).Distinct().ToList();
            var type = group.Key;
            foreach (var row in await db.Resources.Where(r => r.ResourceType == type && ids.Contains(r.ResourceId) && r.IsCurrent).Select(r => new { r.ResourceId, r.RowId }).ToListAsync(cancellationToken))
            {
                result[(type, row.ResourceId)] = row.RowId;
            }
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} AuditEvents failed (attempt {Attempt}); retrying")]
    private static partial void LogRetry(ILogger logger, Exception exception, int count, int attempt);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Count} AuditEvents could not be written and are lost")]
    private static partial void LogLost(ILogger logger, Exception exception, int count);
}
