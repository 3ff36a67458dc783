using FhirMh.FhirServer.Search.Parameters;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Search.Stored;

/// <summary>
/// An active SearchParameter resource stored in this server, compiled: one
/// <see cref="SearchParameterDefinition"/> per base type, with only the branches of the
/// expression that start at that type (as for the built-in parameters).
/// </summary>
internal sealed record StoredParameter(
    string Id,
    int VersionId,
    string Code,
    string? Url,
    SearchParamType Type,
    IReadOnlyList<SearchParameterDefinition> Definitions)
{
    public IEnumerable<string> Bases => Definitions.Select(d => d.ResourceType);

    /// <summary>False for composite and special parameters, which this server stores but does not index.</summary>
    public bool IsIndexed => Definitions.Any(d => d.Paths.Count > 0);
}
