using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search;
using FhirMh.FhirServer.Storage;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// delete (http.html#delete): a tombstone version. Deleting what is already deleted, or never
/// existed, succeeds without writing anything, as the specification asks. Conditional delete
/// (http.html#cdelete, <c>DELETE Type?criteria</c>) deletes the one match; several matches are a
/// 412 unless the server is configured to delete them all.
/// </summary>
internal sealed class DeleteInteraction(ResourceStore store, ConditionalMatches conditional, WritePipeline pipeline, IOptions<SearchOptions> options)
{
    /// <summary>The most resources one conditional delete removes when several are allowed.</summary>
    private const int MaxConditionalDeletes = 100;

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        if (request.Id is not null)
        {
            var tombstone = await pipeline.DeleteAsync(request.ResourceType!, request.Id, request.Preconditions, cancellationToken);
            return new FhirResponse(StatusCodes.Status204NoContent) { Version = tombstone, IsWrite = true };
        }

        var type = request.ResourceType!;
        var criteria = ConditionalMatches.Criteria(request);
        await using var transaction = store.IsInTransaction ? null : await store.BeginTransactionAsync(cancellationToken);
        var matches = await conditional.FindAsync(type, criteria, request.BaseUrl, MaxConditionalDeletes + 1, cancellationToken);
        if (matches.Count > 1 && !options.Value.AllowMultipleConditionalDelete)
        {
            throw FhirException.PreconditionFailed($"The criteria match more than one {type}; this server deletes one resource per conditional delete.");
        }

        if (matches.Count > MaxConditionalDeletes)
        {
            throw FhirException.PreconditionFailed($"The criteria match more than {MaxConditionalDeletes} resources of type {type}; narrow them.");
        }

        foreach (var id in matches)
        {
            await pipeline.DeleteAsync(type, id, request.Preconditions, cancellationToken);
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return new FhirResponse(StatusCodes.Status204NoContent) { IsWrite = true };
    }
}
