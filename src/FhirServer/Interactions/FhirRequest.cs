using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// One FHIR interaction, independent of HTTP, so that a Bundle entry can be dispatched
/// exactly like a single request.
/// </summary>
internal sealed record FhirRequest(
    FhirInteraction Interaction,
    string BaseUrl,
    string? ResourceType,
    string? Id,
    Resource? Resource,
    Preconditions Preconditions,
    IReadOnlyList<KeyValuePair<string, string>> Parameters)
{
    public string? VersionId { get; init; }

    /// <summary>
    /// The current version a read names, when the access check has read it already together with
    /// its consent verdict (<see cref="Security.AccessChecks.EnsureReadableAsync"/>), so the read
    /// takes one statement instead of a check and a read.
    /// </summary>
    public Storage.StoredVersion? CurrentVersion { get; set; }

    /// <summary>
    /// The search query of a conditional create (the <c>If-None-Exist</c> header, or
    /// <c>Bundle.entry.request.ifNoneExist</c>), e.g. <c>identifier=http://sys|123</c>.
    /// </summary>
    public string? IfNoneExist { get; init; }

    /// <summary>True with <c>Prefer: handling=strict</c>: an unknown search parameter is an error (search.html#errors).</summary>
    public bool IsStrictHandling { get; init; }

    /// <summary>The compartment type of a compartment search, e.g. Patient in <c>Patient/1/Observation</c>; <see cref="Id"/> is its id.</summary>
    public string? CompartmentType { get; init; }

    /// <summary>The patch document of a patch interaction (JSON Patch or FHIRPath Patch).</summary>
    public Patch.IPatchDocument? Patch { get; init; }

    /// <summary>
    /// The id a create must use instead of a new one: a transaction Bundle assigns the ids of its
    /// creates before anything is written, so that its entries can refer to each other (http.html#trules).
    /// </summary>
    public string? AssignedId { get; init; }

    /// <summary>
    /// How the client wants the results of writes returned (<c>Prefer: return</c>, http.html#ops):
    /// the HTTP layer applies it to a single response, a batch or transaction to each of its entries.
    /// </summary>
    public Rest.PreferReturn PreferReturn { get; init; } = Rest.PreferReturn.Representation;

    /// <summary>True when the request came as an HTTP GET (or a Bundle entry with method GET).</summary>
    public bool IsHttpGet { get; init; }

    /// <summary>The name of an instance operation without its <c>$</c>, e.g. <c>reindex-status</c>.</summary>
    public string? Operation { get; init; }

    /// <summary>The last value of a query parameter, or null when absent.</summary>
    public string? Parameter(string name)
    {
        string? found = null;
        foreach (var (key, value) in Parameters)
        {
            if (key == name)
            {
                found = value;
            }
        }

        return found;
    }
}
