using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Operations;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>
/// Staff decisions on a source record: link it to a golden record, or record that it is not that
/// person (cannot-link). Either way the source is written again through the write pipeline, so
/// its link and tags, the registry rows and the golden records concerned change together in one
/// transaction, and the decision survives every later re-matching.
/// </summary>
internal sealed class SourceReview(
    FhirDbContext db,
    PatientMatchRules rules,
    ResourceStore store,
    WritePipeline pipeline,
    RegistryRecords records,
    GoldenRecords goldens,
    RegistryTags tags,
    FhirSerializers serializers)
{
    /// <exception cref="FhirException">404 or 410 for an unknown source, 422 when it is not a source record or the golden record is not one.</exception>
    public async Task<StoredVersion> LinkAsync(string sourceId, string goldenId, CancellationToken cancellationToken)
    {
        await using var transaction = await store.BeginTransactionAsync(cancellationToken);
        var (source, record) = await SourceAsync(sourceId, goldenId, cancellationToken);
        await records.LinkManuallyAsync(sourceId, goldenId, cancellationToken);
        var written = await WriteAsync(source, cancellationToken);
        if (record.GoldenId != goldenId)
        {
            // The pipeline saw the new golden record as the current one: the old one is recomputed here.
            await records.LockGoldenAsync([record.GoldenId], cancellationToken);
            await goldens.RecomputeAsync(record.GoldenId, null, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    /// <inheritdoc cref="LinkAsync"/>
    public async Task<StoredVersion> CannotLinkAsync(string sourceId, string goldenId, CancellationToken cancellationToken)
    {
        await using var transaction = await store.BeginTransactionAsync(cancellationToken);
        var (source, _) = await SourceAsync(sourceId, goldenId, cancellationToken);
        await records.AddCannotLinkAsync(sourceId, goldenId, cancellationToken);
        var written = await WriteAsync(source, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    private async Task<(Patient Source, RegistryRecordRow Record)> SourceAsync(string sourceId, string goldenId, CancellationToken cancellationToken)
    {
        var source = (Patient)await StoredResources.ReadAsync(store, serializers, "Patient", sourceId, cancellationToken);
        var record = await records.FindAsync(sourceId, cancellationToken) ?? throw Unprocessable(
            $"Patient/{sourceId} is not a source record of the client registry (a golden record, or stored while matching was off).", "Patient");
        if (!await records.IsGoldenAsync(goldenId, cancellationToken))
        {
            throw Unprocessable($"Patient/{goldenId} is not a golden record of the client registry.", "goldenRecord");
        }

        // The locks a registration of this source takes, in the same order (keys, then golden
        // records sorted), before its registry row changes: a registration of it running at the
        // same time waits instead of deadlocking.
        var ruleSet = await rules.CurrentAsync(db, cancellationToken);
        await records.LockAsync(ruleSet.Matcher.BlockingKeys(ruleSet.Matcher.Prepare(ruleSet.Extract(sourceId, source))), cancellationToken);
        await records.LockGoldenAsync([record.GoldenId, goldenId], cancellationToken);
        return (source, record);
    }

    private async Task<StoredVersion> WriteAsync(Patient source, CancellationToken cancellationToken)
    {
        tags.Set(source, RegistryTags.Reviewed, isOn: true);
        var prepared = await pipeline.PrepareAsync(source, Preconditions.None, cancellationToken);
        var (result, _) = await pipeline.WriteAsync(prepared, r => store.UpdateAsync(r, Preconditions.None, "PUT", cancellationToken), r => r.Version, cancellationToken);
        return result.Version!;
    }

    private static FhirException Unprocessable(string diagnostics, string expression) =>
        FhirException.Of(StatusCodes.Status422UnprocessableEntity, OperationOutcome.IssueType.BusinessRule, diagnostics, expression);
}
