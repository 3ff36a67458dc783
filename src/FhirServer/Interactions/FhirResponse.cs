using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// The outcome of an interaction, independent of HTTP. A stored version travels with its JSON
/// unparsed so that a plain JSON read can stream it.
/// </summary>
internal sealed record FhirResponse(int StatusCode)
{
    /// <summary>The version the interaction read or wrote; gives ETag and Last-Modified.</summary>
    public StoredVersion? Version { get; init; }

    /// <summary>A resource made for this response (a Bundle, a CapabilityStatement, an OperationOutcome).</summary>
    public Resource? Resource { get; init; }

    /// <summary>A search result whose resources are still stored JSON.</summary>
    public Searchset? Searchset { get; init; }

    /// <summary>Relative URL of the version written, e.g. <c>Patient/1/_history/2</c>.</summary>
    public string? Location { get; init; }

    /// <summary>True when the response is the result of a write, where <c>Prefer: return</c> applies.</summary>
    public bool IsWrite { get; init; }

    /// <summary>What validation of a written resource found that did not block the write (warnings, information).</summary>
    public IReadOnlyList<OperationOutcome.IssueComponent> Issues { get; init; } = [];

    public static FhirResponse Of(int statusCode, StoredVersion version) => new(statusCode) { Version = version };

    public static FhirResponse Of(int statusCode, Resource resource) => new(statusCode) { Resource = resource };
}
