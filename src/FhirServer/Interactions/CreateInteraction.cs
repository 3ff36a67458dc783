using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Storage;

namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// create (http.html#create): the server assigns the id; 201 with Location and ETag. With
/// If-None-Exist it is a conditional create (http.html#ccreate): no match creates, one match
/// answers 200 with that resource, several are a 412.
/// </summary>
internal sealed class CreateInteraction(ResourceStore store, ConditionalMatches conditional, WritePipeline pipeline)
{
    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        // The server assigns the id (http.html#create); one in the body means nothing, and dropping
        // it here keeps what runs before the write from taking it for an existing resource.
        var body = RequestBody.Require(request);
        body.Id = null;
        var prepared = await pipeline.PrepareAsync(body, Preconditions.None, cancellationToken);
        var resource = prepared.Resource;
        if (request.IfNoneExist is not { Length: > 0 } condition)
        {
            return Created(await pipeline.WriteAsync(prepared, r => CreateAsync(request, r, cancellationToken), v => v, cancellationToken));
        }

        var criteria = ConditionalMatches.ParseQuery(condition);
        await using var transaction = store.IsInTransaction ? null : await store.BeginTransactionAsync(cancellationToken);
        await conditional.LockAsync(resource.TypeName, criteria, cancellationToken);
        var matches = await conditional.FindAsync(resource.TypeName, criteria, request.BaseUrl, 2, cancellationToken);
        switch (matches.Count)
        {
            case 0:
                var created = await pipeline.WriteAsync(prepared, r => CreateAsync(request, r, cancellationToken), v => v, cancellationToken);
                if (transaction is not null)
                {
                    await transaction.CommitAsync(cancellationToken);
                }

                return Created(created);
            case 1:
                var existing = await store.ReadCurrentAsync(resource.TypeName, matches[0], cancellationToken);
                return new FhirResponse(StatusCodes.Status200OK) { Version = existing, Location = existing!.VersionPath, IsWrite = true };
            default:
                throw FhirException.PreconditionFailed($"If-None-Exist '{condition}' matches more than one {resource.TypeName}; make the criteria more selective.");
        }
    }

    /// <summary>A transaction Bundle assigns ids before writing, so its references can be rewritten first.</summary>
    private Task<StoredVersion> CreateAsync(FhirRequest request, Hl7.Fhir.Model.Resource resource, CancellationToken cancellationToken) =>
        request.AssignedId is { } id ? store.CreateAsync(resource, id, cancellationToken) : store.CreateAsync(resource, cancellationToken);

    private static FhirResponse Created((StoredVersion Created, IReadOnlyList<Hl7.Fhir.Model.OperationOutcome.IssueComponent> Issues) write) => new(StatusCodes.Status201Created)
    {
        Version = write.Created,
        Location = write.Created.VersionPath,
        IsWrite = true,
        Issues = write.Issues,
    };
}
