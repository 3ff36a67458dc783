using FhirMh.FhirServer.ClientRegistry;
using FhirMh.FhirServer.Interactions;

namespace FhirMh.FhirServer.Operations.RegistryReview;

/// <summary>
/// <c>POST Patient/[id]/$link-golden-record</c>, an operation of this server: registry staff link a
/// source record to a golden record (for example after reviewing a potential match). Matching keeps
/// it there until staff decide otherwise. Returns the source as now stored.
/// </summary>
internal sealed class LinkGoldenRecordOperation(SourceReview review) : IFhirOperation
{
    public const string Name = "link-golden-record";

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var goldenId = GoldenRecordInput.IdOf(OperationInput.From(request), request.BaseUrl);
        var written = await review.LinkAsync(request.Id!, goldenId, cancellationToken);
        return FhirResponse.Of(StatusCodes.Status200OK, written);
    }
}
