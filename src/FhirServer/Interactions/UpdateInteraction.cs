using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Storage;
using FhirMh.FhirServer.Validation;

namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// update (http.html#update), including update-as-create with a client-chosen id, the
/// version-aware update of http.html#concurrency through If-Match, and the conditional update
/// of http.html#cond-update (<c>PUT Type?criteria</c>).
/// </summary>
internal sealed class UpdateInteraction(ResourceStore store, ConditionalMatches conditional, WriteValidation validation)
{
    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var resource = RequestBody.Require(request);
        if (request.Id is null)
        {
            var checkedIssues = validation.Check(resource);
            return await ConditionalAsync(request, resource, cancellationToken) with { Issues = checkedIssues };
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

        var issues = validation.Check(resource);
        return Written(await store.UpdateAsync(resource, request.Preconditions, "PUT", cancellationToken)) with { Issues = issues };
    }

    private async Task<FhirResponse> ConditionalAsync(FhirRequest request, Hl7.Fhir.Model.Resource resource, CancellationToken cancellationToken)
    {
        var criteria = ConditionalMatches.Criteria(request);
        await using var transaction = store.IsInTransaction ? null : await store.BeginTransactionAsync(cancellationToken);
        await conditional.LockAsync(resource.TypeName, criteria, cancellationToken);
        var matches = await conditional.FindAsync(resource.TypeName, criteria, request.BaseUrl, 2, cancellationToken);
        FhirResponse response;
        switch (matches.Count)
        {
            case 0 when string.IsNullOrEmpty(resource.Id):
                var created = await store.CreateAsync(resource, cancellationToken);
                response = new FhirResponse(StatusCodes.Status201Created) { Version = created, Location = created.VersionPath, IsWrite = true };
                break;
            case 0:
                response = Written(await store.UpdateAsync(resource, request.Preconditions, "PUT", cancellationToken));
                break;
            case 1:
                if (!string.IsNullOrEmpty(resource.Id) && resource.Id != matches[0])
                {
                    throw FhirException.BadRequest(
                        $"The resource id '{resource.Id}' is not the id '{matches[0]}' of the {resource.TypeName} the criteria match.", $"{resource.TypeName}.id");
                }

                resource.Id = matches[0];
                response = Written(await store.UpdateAsync(resource, request.Preconditions, "PUT", cancellationToken));
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

    private static FhirResponse Written(WriteResult result)
    {
        var written = result.Version!;
        return new FhirResponse(result.IsCreated ? StatusCodes.Status201Created : StatusCodes.Status200OK)
        {
            Version = written,
            Location = written.VersionPath,
            IsWrite = true,
        };
    }
}
