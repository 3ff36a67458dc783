using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Storage;

namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// update (http.html#update), including update-as-create with a client-chosen id, and the
/// version-aware update of http.html#concurrency through If-Match.
/// </summary>
internal sealed class UpdateInteraction(ResourceStore store)
{
    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var resource = RequestBody.Require(request);
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

        var result = await store.UpdateAsync(resource, request.Preconditions, "PUT", cancellationToken);
        var written = result.Version!;
        return new FhirResponse(result.IsCreated ? StatusCodes.Status201Created : StatusCodes.Status200OK)
        {
            Version = written,
            Location = written.VersionPath,
            IsWrite = true,
        };
    }
}
