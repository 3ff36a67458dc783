using FhirMh.FhirServer.Hosting;
using FhirMh.FhirServer.Rest;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Interactions.Bundles;

/// <summary>
/// A POST of a Bundle to the base (http.html#transaction): a batch or a transaction by
/// <c>Bundle.type</c>. This is not a create; <c>POST [base]/Bundle</c> stores a Bundle resource.
/// </summary>
internal sealed class BundleInteraction(TransactionInteraction transaction, BatchInteraction batch, IOptions<LimitsOptions> limits)
{
    /// <param name="request">The POST, with the Bundle as its resource.</param>
    /// <param name="dispatcher">Where each entry is handed, as a single request would be.</param>
    /// <param name="cancellationToken">Cancels the whole Bundle.</param>
    public Task<FhirResponse> HandleAsync(FhirRequest request, FhirDispatcher dispatcher, CancellationToken cancellationToken)
    {
        if (request.Resource is not Bundle bundle)
        {
            throw FhirException.BadRequest(
                $"A POST to the base takes a Bundle of type batch or transaction, not a {request.Resource?.TypeName ?? "missing body"}.", "resourceType");
        }

        if (bundle.Type is not (Bundle.BundleType.Batch or Bundle.BundleType.Transaction))
        {
            var type = bundle.TypeElement?.JsonValue as string ?? "missing";
            throw FhirException.BadRequest(
                $"A POST to the base takes a Bundle of type batch or transaction, not '{type}'; to store a Bundle, POST it to {request.BaseUrl}/Bundle.",
                "Bundle.type");
        }

        var max = limits.Value.MaxBundleEntries;
        if (bundle.Entry.Count > max)
        {
            // 413, as for a body over Limits:MaxBodyBytes: the request is well formed but more than
            // the server takes at once, and the client's remedy is the same (send it in parts).
            throw FhirException.Of(
                StatusCodes.Status413PayloadTooLarge,
                OperationOutcome.IssueType.TooLong,
                $"The Bundle has {bundle.Entry.Count} entries; this server takes at most {max} in one batch or transaction (Limits:MaxBundleEntries).",
                "Bundle.entry");
        }

        return bundle.Type == Bundle.BundleType.Transaction
            ? transaction.HandleAsync(bundle, request, dispatcher, cancellationToken)
            : batch.HandleAsync(bundle, request, dispatcher, cancellationToken);
    }
}
