using FhirMh.FhirServer.Rest;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Interactions.Bundles;

/// <summary>
/// batch (http.html#transaction): each entry is processed on its own, in order, as a single
/// request would be; one failing entry is reported in its response and does not stop the rest.
/// </summary>
internal sealed class BatchInteraction(RequestBodyReader bodies, EntryResponses responses)
{
    public async Task<FhirResponse> HandleAsync(Bundle bundle, FhirRequest request, FhirDispatcher dispatcher, CancellationToken cancellationToken)
    {
        var placeholders = bundle.Entry
            .Select(e => e.FullUrl)
            .OfType<string>()
            .Where(Placeholders.IsPlaceholder)
            .ToHashSet(StringComparer.Ordinal);
        var result = new Bundle { Type = Bundle.BundleType.BatchResponse };
        for (var index = 0; index < bundle.Entry.Count; index++)
        {
            result.Entry.Add(await ProcessAsync(bundle.Entry[index], index, placeholders, request, dispatcher, cancellationToken));
        }

        return FhirResponse.Of(StatusCodes.Status200OK, result);
    }

    private async Task<Bundle.EntryComponent> ProcessAsync(
        Bundle.EntryComponent entry,
        int index,
        IReadOnlySet<string> placeholders,
        FhirRequest request,
        FhirDispatcher dispatcher,
        CancellationToken cancellationToken)
    {
        EntryRequest parsed;
        FhirRequest single;
        try
        {
            parsed = EntryRequest.Parse(entry, index, request.BaseUrl);
            if (entry.Resource is { } resource &&
                ReferenceResolver.FindReferenceTo(resource, $"{parsed.Path}.resource", placeholders) is { } dependency)
            {
                // Batch entries are processed independently, so one cannot name another (http.html#brules).
                throw FhirException.BadRequest(
                    $"{parsed.Path}: the reference '{dependency.Reference}' at {dependency.Path} is the fullUrl of another entry; entries of a batch must not refer to each other, use a transaction.",
                    dependency.Path);
            }

            single = parsed.ToFhirRequest(entry, request.BaseUrl, bodies, request.PreferReturn, assignedId: null);
        }
        catch (FhirException e)
        {
            return EntryResponses.Failed(e.StatusCode, e.Outcome);
        }

        try
        {
            var response = await dispatcher.DispatchAsync(single, cancellationToken);
            return responses.Succeeded(parsed, response, request.BaseUrl, request.PreferReturn);
        }
        catch (Exception e) when (FhirExceptionHandler.Describe(e) is { } failure)
        {
            return EntryResponses.Failed(failure.Status, EntryFailure.Readdress(failure.Outcome, parsed, entry.Resource?.TypeName));
        }
    }
}
