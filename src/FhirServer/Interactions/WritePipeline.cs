using FhirMh.FhirServer.Questionnaires;
using FhirMh.FhirServer.Storage;
using FhirMh.FhirServer.Validation;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// What create, update and patch (and with them every batch and transaction entry) do around
/// the store: the resource-specific preparation (a QuestionnaireResponse is checked against its
/// questionnaire and scored), validation, and after the write the resources it yields, written in
/// the same database transaction (ARCHITECTURE.md, pipeline step 4).
/// </summary>
internal sealed class WritePipeline(WriteValidation validation, ResponseWrites responses, ResourceStore store)
{
    /// <exception cref="Rest.FhirException">422 when the resource is not valid.</exception>
    public async Task<PreparedWrite> PrepareAsync(Resource resource, CancellationToken cancellationToken)
    {
        var response = resource is QuestionnaireResponse answers ? await responses.PrepareAsync(answers, cancellationToken) : null;
        var toWrite = response?.Response ?? resource;
        var issues = validation.Check(toWrite).Concat(response?.Warnings ?? []).ToList();
        return new PreparedWrite(toWrite, issues, response);
    }

    /// <summary>Runs <paramref name="write"/> and what the written version yields, all or nothing.</summary>
    public async Task<(T Result, IReadOnlyList<OperationOutcome.IssueComponent> Issues)> WriteAsync<T>(
        PreparedWrite prepared, Func<Resource, Task<T>> write, Func<T, StoredVersion?> written, CancellationToken cancellationToken)
    {
        if (prepared.Response is null)
        {
            return (await write(prepared.Resource), prepared.Issues);
        }

        await using var transaction = store.IsInTransaction ? null : await store.BeginTransactionAsync(cancellationToken);
        var result = await write(prepared.Resource);
        var issues = prepared.Issues.ToList();
        if (written(result) is { IsDeleted: false } version)
        {
            issues.AddRange(await responses.CompleteAsync(prepared.Response, version, cancellationToken));
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return (result, issues);
    }
}

/// <summary>A resource ready to be written: the one to store, the issues that do not block it, and what it yields.</summary>
internal sealed record PreparedWrite(Resource Resource, IReadOnlyList<OperationOutcome.IssueComponent> Issues, PreparedResponse? Response);
