using FhirMh.FhirServer.Interactions.Bundles;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Tests;

public sealed class TransactionOrderTests
{
    [Fact]
    public void Sort_MixedEntries_DeletesThenCreatesThenUpdatesAndPatchesThenReads()
    {
        // http.html#trules: DELETE, POST, PUT or PATCH, then GET or HEAD; a kind keeps the Bundle's order.
        (string Method, string Url)[] entries =
        [
            ("GET", "Patient/a"), ("PUT", "Patient/b"), ("POST", "Patient"), ("DELETE", "Patient/c"),
            ("PATCH", "Patient/d"), ("HEAD", "Patient/e"), ("POST", "Observation"), ("DELETE", "Patient/f"),
        ];
        var parsed = entries.Select((e, i) => EntryRequest.Parse(
            new Bundle.EntryComponent { Request = new Bundle.RequestComponent { Method = Enum.Parse<Bundle.HTTPVerb>(e.Method), Url = e.Url } },
            i,
            "http://localhost/fhir"));

        var order = TransactionOrder.Sort(parsed).Select(e => e.Index);

        Assert.Equal([3, 7, 2, 6, 1, 4, 0, 5], order);
    }
}
