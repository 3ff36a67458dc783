using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Interactions.Bundles;

/// <summary>
/// The order in which a transaction processes its entries (http.html#trules): deletes, then
/// creates, then updates and patches, then reads; entries of one kind keep the Bundle's order.
/// </summary>
internal static class TransactionOrder
{
    public static IEnumerable<EntryRequest> Sort(IEnumerable<EntryRequest> entries) =>
        entries.OrderBy(e => Rank(e.Method)).ThenBy(e => e.Index);

    public static int Rank(Bundle.HTTPVerb method) => method switch
    {
        Bundle.HTTPVerb.DELETE => 0,
        Bundle.HTTPVerb.POST => 1,
        Bundle.HTTPVerb.PUT or Bundle.HTTPVerb.PATCH => 2,
        _ => 3,
    };
}
