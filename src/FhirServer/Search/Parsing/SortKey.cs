using FhirMh.FhirServer.Search.Parameters;

namespace FhirMh.FhirServer.Search.Parsing;

/// <summary>One key of <c>_sort</c> (search.html#sort); a leading <c>-</c> makes it descending.</summary>
internal sealed record SortKey(SearchParameterDefinition Parameter, bool IsDescending)
{
    public override string ToString() => (IsDescending ? "-" : string.Empty) + Parameter.Code;
}
