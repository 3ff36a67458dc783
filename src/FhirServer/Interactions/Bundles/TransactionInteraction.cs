using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Interactions.Bundles;

/// <summary>
/// transaction (http.html#transaction): all entries succeed together in one database transaction,
/// or nothing is written and the answer is the first failing entry's status and outcome.
/// </summary>
internal sealed class TransactionInteraction(
    ResourceStore store,
    ReferenceResolver references,
    RequestBodyReader bodies,
    EntryResponses responses,
    ConditionalEntries conditionals)
{
    public async Task<FhirResponse> HandleAsync(Bundle bundle, FhirRequest request, FhirDispatcher dispatcher, CancellationToken cancellationToken)
    {
        var entries = bundle.Entry;
        var requested = entries.Select((entry, index) => EntryRequest.Parse(entry, index, request.BaseUrl)).ToList();

        // Reads inside see the transaction's own writes: every store call of this request scope
        // joins the one database transaction (and on SQLite holds the only writer's turn) until commit.
        await using var transaction = await store.BeginTransactionAsync(cancellationToken);

        // Conditional entries are searched first, inside the transaction, so that they name what they write.
        var (parsed, existing) = await conditionals.ResolveAsync(requested, entries, request.BaseUrl, cancellationToken);
        CheckOneWritePerResource(parsed);
        var placeholders = Placeholders.Assign(parsed, entries, existing);

        // References are rewritten before any entry runs, so that what is stored is final; conditional
        // references are searched inside the transaction.
        var requests = new FhirRequest[parsed.Count];
        foreach (var entry in parsed)
        {
            if (entries[entry.Index].Resource is { } resource)
            {
                await references.ResolveAsync(resource, placeholders, entry, request.BaseUrl, cancellationToken);
            }

            requests[entry.Index] = entry.ToFhirRequest(
                entries[entry.Index], request.BaseUrl, bodies, request.PreferReturn, placeholders.AssignedId(entry.Index));
        }

        var results = new FhirResponse[parsed.Count];
        foreach (var entry in TransactionOrder.Sort(parsed))
        {
            try
            {
                if (entry.Method != Bundle.HTTPVerb.POST || entry.IfNoneExist is not null)
                {
                    // Creates are gathered and saved in one batch; anything else may read them.
                    await store.FlushAsync(cancellationToken);
                }

                results[entry.Index] = await dispatcher.DispatchAsync(requests[entry.Index], cancellationToken);
            }
            catch (Exception e) when (FhirExceptionHandler.Describe(e) is { } failure)
            {
                // Leaving the using block rolls everything back.
                throw FhirException.WithOutcome(
                    failure.Status, EntryFailure.Readdress(failure.Outcome, entry, entries[entry.Index].Resource?.TypeName));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        var response = new Bundle
        {
            Type = Bundle.BundleType.TransactionResponse,
            Entry = parsed.Select(e => responses.Succeeded(e, results[e.Index], request.BaseUrl, request.PreferReturn)).ToList(),
        };
        return FhirResponse.Of(StatusCodes.Status200OK, response);
    }

    /// <summary>
    /// A resource may be changed by one entry only: with two, the outcome would depend on the
    /// processing order, which a transaction must not (http.html#trules).
    /// </summary>
    private static void CheckOneWritePerResource(IEnumerable<EntryRequest> entries)
    {
        var writers = new Dictionary<string, EntryRequest>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.WrittenResource is { } written && !writers.TryAdd(written, entry))
            {
                throw FhirException.BadRequest(
                    $"{entry.Path} writes {written}, which {writers[written].Path} writes too; a transaction may change each resource once.",
                    $"{entry.Path}.request.url");
            }
        }
    }
}
