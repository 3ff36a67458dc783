using FhirMh.FhirServer.ClientRegistry;
using FhirMh.FhirServer.ProviderRegistry;
using FhirMh.FhirServer.Questionnaires;
using FhirMh.FhirServer.Referrals;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Storage;
using FhirMh.FhirServer.Validation;
using Microsoft.EntityFrameworkCore;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// What create, update and patch (and with them every batch and transaction entry) do around
/// the store: the resource-specific preparation (a QuestionnaireResponse is checked against its
/// questionnaire and scored), validation, and after the write the resources it yields, written in
/// the same database transaction (ARCHITECTURE.md, pipeline step 4). A source Patient is matched
/// by the client registry in that transaction too, and a Task is held to its workflow (ReferralWorkflow).
/// </summary>
internal sealed class WritePipeline(
    WriteValidation validation,
    ResponseWrites responses,
    PatientRegistration registration,
    PatientMatchRules matchRules,
    DirectoryCuration directory,
    FhirDbContext db,
    ResourceStore store,
    Security.AccessChecks access,
    Security.ConsentIndex consents,
    Security.AuditTrail audit,
    ReferralWorkflow referrals,
    Subscriptions.SubscriptionWrites subscriptions)
{
    /// <summary>How often a write of its own runs again after losing a race; each round has one winner.</summary>
    private const int MaxAttempts = 8;

    /// <param name="resource">The resource to write.</param>
    /// <param name="stated">The preconditions the client stated (If-Match), which some rules of the write depend on.</param>
    /// <param name="cancellationToken">Cancels the preparation.</param>
    /// <exception cref="FhirException">422 when the resource is not valid.</exception>
    public async Task<PreparedWrite> PrepareAsync(Resource resource, Preconditions stated, CancellationToken cancellationToken)
    {
        if (resource is Binary binary && PatientMatchRules.IsRules(binary))
        {
            await CheckRulesAsync(binary, cancellationToken);
        }

        if (resource is Subscription subscription)
        {
            subscriptions.Prepare(subscription);
        }

        var response = resource is QuestionnaireResponse answers ? await responses.PrepareAsync(answers, cancellationToken) : null;
        var toWrite = response?.Response ?? resource;
        var issues = validation.Check(toWrite).Concat(response?.Warnings ?? []).ToList();
        return new PreparedWrite(toWrite, issues, response, stated);
    }

    /// <summary>Runs <paramref name="write"/> and what the written version yields, all or nothing.</summary>
    public async Task<(T Result, IReadOnlyList<OperationOutcome.IssueComponent> Issues)> WriteAsync<T>(
        PreparedWrite prepared, Func<Resource, Task<T>> write, Func<T, StoredVersion?> written, CancellationToken cancellationToken)
    {
        var isRegistered = registration.Applies(prepared.Resource);
        var isDirectory = directory.Applies(prepared.Resource);
        var type = prepared.Resource.TypeName;
        var isRestricted = access.Restricts(type, Security.AccessChecks.Writing);
        if (isRestricted && prepared.Resource.Id is { Length: > 0 } id)
        {
            // An update may not reach a resource outside the caller's scopes, even to replace it.
            await access.EnsureChangeableAsync(type, id, Security.AccessChecks.Writing, db, cancellationToken);
        }

        var isConsent = Security.ConsentIndex.Applies(prepared.Resource);
        var isSubscription = Subscriptions.SubscriptionWrites.Applies(prepared.Resource);
        if (prepared.Response is null && !isRegistered && !isDirectory && !isRestricted && !isConsent && !isSubscription && !audit.IsOn && !ReferralWorkflow.Applies(prepared.Resource))
        {
            var result = await write(prepared.Resource);
            if (PatientMatchRules.IsRules(prepared.Resource))
            {
                matchRules.Forget();
            }

            return (result, prepared.Issues);
        }

        if (store.IsInTransaction)
        {
            return await WriteYieldingAsync(prepared, isRegistered, isDirectory, isRestricted, write, written, cancellationToken);
        }

        // A write of its own, without If-Match, retries after losing a race as a plain update does
        // (ResourceStore): the whole transaction, matching included, runs again on the new state.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var transaction = await store.BeginTransactionAsync(cancellationToken);
                var result = await WriteYieldingAsync(prepared, isRegistered, isDirectory, isRestricted, write, written, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (Exception e) when (attempt < MaxAttempts && (e is StorageConflictException || TransientConflict.Is(e)))
            {
                // Rolled back; the next attempt starts from what the winner left.
            }
        }
    }

    private async Task<(T Result, IReadOnlyList<OperationOutcome.IssueComponent> Issues)> WriteYieldingAsync<T>(
        PreparedWrite prepared,
        bool isRegistered,
        bool isDirectory,
        bool isRestricted,
        Func<Resource, Task<T>> write,
        Func<T, StoredVersion?> written,
        CancellationToken cancellationToken)
    {
        var pending = isRegistered ? await registration.BeforeWriteAsync((Patient)prepared.Resource, cancellationToken) : null;
        var stored = await write(prepared.Resource);
        var issues = prepared.Issues.ToList();
        if (written(stored) is { IsDeleted: false } version)
        {
            if (prepared.Resource is Hl7.Fhir.Model.Task task)
            {
                await referrals.AfterWriteAsync(task, version, prepared.Stated, cancellationToken);
            }

            if (isRestricted)
            {
                // Checked in SQL on the version as stored, by the rules search uses: the scope's
                // compartment and parameters. A write outside them is rolled back.
                store.BeforeCommit(ct => access.EnsureWrittenWithinAsync(version.ResourceType, version.ResourceId, ct));
            }

            if (prepared.Response is not null)
            {
                issues.AddRange(await responses.CompleteAsync(prepared.Response, version, cancellationToken));
            }

            if (pending is not null)
            {
                await registration.AfterWriteAsync(pending, version, cancellationToken);
            }

            if (isDirectory)
            {
                await directory.AfterWriteAsync(prepared.Resource, version, cancellationToken);
            }

            if (prepared.Resource is Consent consent)
            {
                await consents.AfterWriteAsync(consent, version, cancellationToken);
            }

            if (prepared.Resource is Subscription)
            {
                await subscriptions.AfterWriteAsync(version.ResourceId, cancellationToken);
            }

            await audit.RecordWriteAsync(version.ResourceType, version.ResourceId, cancellationToken);
        }

        return (stored, issues);
    }

    /// <summary>Deletes a resource; a source Patient leaves its golden record in the same transaction.</summary>
    public async Task<StoredVersion?> DeleteAsync(string type, string id, Preconditions preconditions, CancellationToken cancellationToken)
    {
        await access.EnsureChangeableAsync(type, id, Security.SmartPermissions.Delete, db, cancellationToken);
        if (type == "Consent" || audit.IsOn)
        {
            await using var own = store.IsInTransaction ? null : await store.BeginTransactionAsync(cancellationToken);
            var deleted = await store.DeleteAsync(type, id, preconditions, cancellationToken);
            if (type == "Consent")
            {
                await consents.AfterDeleteAsync(id, cancellationToken);
            }

            if (deleted is not null)
            {
                await audit.RecordWriteAsync(type, id, cancellationToken);
            }

            if (own is not null)
            {
                await own.CommitAsync(cancellationToken);
            }

            return deleted;
        }

        if (directory.IsEnabled && DirectoryTypes.Curated.Contains(type))
        {
            await using var own = store.IsInTransaction ? null : await store.BeginTransactionAsync(cancellationToken);
            var deleted = await store.DeleteAsync(type, id, preconditions, cancellationToken);
            await directory.AfterDeleteAsync(type, id, cancellationToken);
            if (own is not null)
            {
                await own.CommitAsync(cancellationToken);
            }

            return deleted;
        }

        if (type != "Patient" || !registration.IsEnabled)
        {
            return await store.DeleteAsync(type, id, preconditions, cancellationToken);
        }

        await using var transaction = store.IsInTransaction ? null : await store.BeginTransactionAsync(cancellationToken);
        await registration.BeforeDeleteAsync(id, cancellationToken);
        var tombstone = await store.DeleteAsync(type, id, preconditions, cancellationToken);
        await registration.AfterDeleteAsync(id, cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return tombstone;
    }

    private async Task CheckRulesAsync(Binary binary, CancellationToken cancellationToken)
    {
        try
        {
            var rules = PatientMatchRules.Check(binary);
            if (await db.RegistryRecords.AnyAsync(cancellationToken))
            {
                PatientMatchRules.CheckKeysUnchanged(await matchRules.CurrentAsync(db, cancellationToken), rules);
            }
        }
        catch (MatchRuleException e)
        {
            throw FhirException.Of(StatusCodes.Status422UnprocessableEntity, OperationOutcome.IssueType.Invalid, $"These are not usable patient matching rules: {e.Message}", "Binary.data");
        }
    }
}

/// <summary>A resource ready to be written: the one to store, the issues that do not block it, what it yields, and the client's preconditions.</summary>
internal sealed record PreparedWrite(Resource Resource, IReadOnlyList<OperationOutcome.IssueComponent> Issues, PreparedResponse? Response, Preconditions Stated);
