using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Interactions.Bundles;

/// <summary>
/// The identities a transaction's entries declare in <c>fullUrl</c> and the resources they stand
/// for (http.html#trules): a create's fullUrl (a <c>urn:uuid:</c>, <c>urn:oid:</c> or any other
/// URL) becomes the id assigned here, before anything is written; an update or patch with a
/// <c>urn:</c> fullUrl takes the id of its request URL.
/// </summary>
internal sealed class Placeholders
{
    private readonly Dictionary<string, string> _references;
    private readonly Dictionary<int, string> _assignedIds;

    private Placeholders(Dictionary<string, string> references, Dictionary<int, string> assignedIds)
    {
        _references = references;
        _assignedIds = assignedIds;
    }

    /// <summary>True for the temporary identities of bundle.html#references: <c>urn:uuid:</c> and <c>urn:oid:</c>.</summary>
    public static bool IsPlaceholder(string value) =>
        value.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase) || value.StartsWith("urn:oid:", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Assigns the ids of the creates and collects the fullUrls the entries declare. A conditional
    /// create that matched (<paramref name="existing"/>, by entry index) stands for its match.
    /// </summary>
    /// <exception cref="FhirException">400 when two entries declare the same fullUrl.</exception>
    public static Placeholders Assign(IReadOnlyList<EntryRequest> requests, IReadOnlyList<Bundle.EntryComponent> entries, IReadOnlyDictionary<int, string> existing)
    {
        var references = new Dictionary<string, string>(StringComparer.Ordinal);
        var assignedIds = new Dictionary<int, string>();
        var declaredBy = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var request in requests)
        {
            var fullUrl = entries[request.Index].FullUrl;
            if (!string.IsNullOrEmpty(fullUrl) && !declaredBy.TryAdd(fullUrl, request.Index))
            {
                // bdl-7: fullUrl must be unique in a bundle (bundle.html#invs).
                throw FhirException.BadRequest(
                    $"{request.Path} has the fullUrl '{fullUrl}' of {EntryRequest.PathOf(declaredBy[fullUrl])}; each entry of a transaction needs its own.",
                    $"{request.Path}.fullUrl");
            }

            string? id = null;
            if (request.Method == Bundle.HTTPVerb.POST && existing.TryGetValue(request.Index, out var match))
            {
                id = match;
            }
            else if (request.Method == Bundle.HTTPVerb.POST)
            {
                id = ResourceStore.NewId();
                assignedIds[request.Index] = id;
            }
            else if (request.Method is Bundle.HTTPVerb.PUT or Bundle.HTTPVerb.PATCH && fullUrl is not null && IsPlaceholder(fullUrl))
            {
                id = request.Id;
            }

            if (id is not null && !string.IsNullOrEmpty(fullUrl))
            {
                references[fullUrl] = $"{request.ResourceType}/{id}";
            }
        }

        return new Placeholders(references, assignedIds);
    }

    /// <summary>The id assigned to the create at <paramref name="index"/>, or null when that entry is no create.</summary>
    public string? AssignedId(int index) => _assignedIds.GetValueOrDefault(index);

    /// <summary>The <c>Type/id</c> that a declared fullUrl stands for.</summary>
    public bool TryResolve(string fullUrl, out string reference) => _references.TryGetValue(fullUrl, out reference!);
}
