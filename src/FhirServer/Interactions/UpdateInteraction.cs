using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Storage;

namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// update (http.html#update), including update-as-create with a client-chosen id, the
/// version-aware update of http.html#concurrency through If-Match, and the conditional update
/// of http.html#cond-update (<c>PUT Type?criteria</c>).
/// </summary>
internal sealed class UpdateInteraction(ResourceStore store, ConditionalMatches conditional, WritePipeline pipeline)
{
    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var resource = RequestBody.Require(request);
        if (request.Id is null)
        {
            return await ConditionalAsync(request, await pipeline.PrepareAsync(resource, request.Preconditions, cancellationToken), cancellationToken);
        }

        if (string.IsNullOrEmpty(resource.Id))
        {
            throw FhirException.BadRequest(
                $"An update must carry the id '{request.Id}' from the URL in the resource.", $"{resource.TypeName}.id");
        }

        if (resource.Id != request.Id)
        {
            throw FhirException.BadRequest(
                $"The resource id '{resource.Id}' does not match the id '{request.Id}' in the URL.", $"{resource.TypeName}.id");
        }

        var prepared = await pipeline.PrepareAsync(resource, request.Preconditions, cancellationToken);
        return Written(await UpdateAsync(prepared, request.Preconditions, cancellationToken));
    }

    private Task<(WriteResult Result, IReadOnlyList<Hl7.Fhir.Model.OperationOutcome.IssueComponent> Issues)> UpdateAsync(
        PreparedWrite prepared, Preconditions preconditions, CancellationToken cancellationToken) =>
        pipeline.WriteAsync(prepared, r => store.UpdateAsync(r, preconditions, "PUT", cancellationToken), r => r.Version, cancellationToken);

    private async Task<FhirResponse> ConditionalAsync(FhirRequest request, PreparedWrite prepared, CancellationToken cancellationToken)
    {
        var resource = prepared.Resource;
        var criteria = ConditionalMatches.Criteria(request);
        await using var transaction = store.IsInTransaction ? null : await store.BeginTransactionAsync(cancellationToken);
        await conditional.LockAsync(resource.TypeName, criteria, cancellationToken);
        var matches = await conditional.FindAsync(resource.TypeName, criteria, request.BaseUrl, 2, cancellationToken);
        FhirResponse response;
        switch (matches.Count)
        {
            case 0 when string.IsNullOrEmpty(resource.Id):
                var (created, issues) = await pipeline.WriteAsync(prepared, r => store.CreateAsync(r, cancellationToken), v => v, cancellationToken);
                response = new FhirResponse(StatusCodes.Status201Created) { Version = created, Location = created.VersionPath, IsWrite = true, Issues = issues };
                break;
            case 0:
                response = Written(await UpdateAsync(prepared, request.Preconditions, cancellationToken));
                break;
            case 1:
                if (!string.IsNullOrEmpty(resource.Id) && resource.Id != matches[0])
                {
                    throw FhirException.BadRequest(
                        $"The resource id '{resource.Id}' is not the id '{matches[0]}' of the {resource.TypeName} the criteria match.", $"{resource.TypeName}.id");
                }

                resource.Id = matches[0];
                response = Written(await UpdateAsync(prepared, request.Preconditions, cancellationToken));
                break;
            default:
                throw FhirException.PreconditionFailed($"The criteria match more than one {resource.TypeName}; a conditional update needs exactly one.");
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return response;
    }

    private static FhirResponse Written((WriteResult Result, IReadOnlyList<Hl7.Fhir.Model.OperationOutcome.IssueComponent> Issues) write)
    {
        var written = write.Result.Version!;
        return new FhirResponse(write.Result.IsCreated ? StatusCodes.Status201Created : StatusCodes.Status200OK)
        {
            Version = written,
            Location = written.VersionPath,
            IsWrite = true,
            Issues = write.Issues,
        };
    }
}
