using FhirMh.FhirServer.ClientRegistry;
using FhirMh.FhirServer.Interactions;

namespace FhirMh.FhirServer.Operations.RegistryReview;

/// <summary>
/// <c>POST Patient/[id]/$cannot-link</c>, an operation of this server: registry staff record that a
/// source record is not the person of a golden record. The decision is stored and every later
/// matching of the source skips that golden record; a source linked to it is matched again
/// without it (to another golden record, or a new one of its own). Returns the source as now stored.
/// </summary>
internal sealed class CannotLinkOperation(SourceReview review) : IFhirOperation
{
    public const string Name = "cannot-link";

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var goldenId = GoldenRecordInput.IdOf(OperationInput.From(request), request.BaseUrl);
        var written = await review.CannotLinkAsync(request.Id!, goldenId, cancellationToken);
        return FhirResponse.Of(StatusCodes.Status200OK, written);
    }
}
