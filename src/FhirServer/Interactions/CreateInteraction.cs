using FhirMh.FhirServer.Storage;

namespace FhirMh.FhirServer.Interactions;

/// <summary>create (http.html#create): the server assigns the id; 201 with Location and ETag.</summary>
internal sealed class CreateInteraction(ResourceStore store)
{
    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var resource = RequestBody.Require(request);
        var created = request.AssignedId is { } id
            ? await store.CreateAsync(resource, id, cancellationToken)
            : await store.CreateAsync(resource, cancellationToken);
        return new FhirResponse(StatusCodes.Status201Created)
        {
            Version = created,
            Location = created.VersionPath,
            IsWrite = true,
        };
    }
}
