using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Search.Parameters;

/// <summary>A search parameter as it applies to one resource type (search.html#ptypes).</summary>
internal sealed record SearchParameterDefinition(
    string ResourceType,
    string Code,
    SearchParamType Type,
    string? Url,
    IReadOnlyList<string> Targets,
    IReadOnlyList<IndexPath> Paths)
{
    /// <summary>The two components of a composite parameter; empty for other types.</summary>
    public IReadOnlyList<CompositeComponent> Components { get; init; } = [];

    /// <summary>True for <c>_id</c> and <c>_lastUpdated</c>, which are columns of the resources table, not index rows.</summary>
    public bool IsResourceColumn => Code is "_id" or "_lastUpdated";

    /// <summary>The special parameters the server indexes with code of its own; <see cref="SpecialSearch.None"/> for the others.</summary>
    public SpecialSearch Special { get; init; }

    /// <summary>True when values are indexed on write (composite parameters without supported components and other special parameters are not).</summary>
    public bool IsIndexed => Paths.Count > 0 || IsResourceColumn || Special != SpecialSearch.None;
}
