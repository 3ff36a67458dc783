using FhirMh.FhirServer.Search.Parameters;

namespace FhirMh.FhirServer.Search.Parsing;

/// <summary>One key of <c>_sort</c> (search.html#sort); a leading <c>-</c> makes it descending.</summary>
internal sealed record SortKey(SearchParameterDefinition Parameter, bool IsDescending)
{
    /// <summary>For the distance order of a <c>near</c> search: the point distances are measured from.</summary>
    public NearValue? Near { get; init; }

    public override string ToString() => (IsDescending ? "-" : string.Empty) + Parameter.Code;
}
