using FhirMh.FhirServer.Search.Parameters;

namespace FhirMh.FhirServer.Search.Parsing;

/// <summary>One key of <c>_sort</c> (search.html#sort); a leading <c>-</c> makes it descending.</summary>
internal sealed record SortKey(SearchParameterDefinition Parameter, bool IsDescending)
{
    /// <summary>For the distance order of a <c>near</c> search: the point distances are measured from.</summary>
    public NearValue? Near { get; init; }

    /// <summary>
    /// True when every match lies within <see cref="Near"/>'s radius (the search's one <c>near</c>
    /// criterion names that one point), so the positions within it, nearest first, hold every match
    /// in page order (<see cref="Paging.NearestFirst"/>).
    /// </summary>
    public bool IsEveryMatchWithinRadius { get; init; }

    public override string ToString() => (IsDescending ? "-" : string.Empty) + Parameter.Code;
}
