using FhirMh.FhirServer.Search.Parsing;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// The rows of one type a caller may reach: any of <see cref="Alternatives"/> (one per granting
/// scope), each a list of criteria that must all hold, and, for reading, what the patients'
/// consents allow (<see cref="Consent"/>). No alternative means no row at all.
/// </summary>
internal sealed record AccessCriterion(IReadOnlyList<IReadOnlyList<SearchCriterion>> Alternatives) : SearchCriterion
{
    /// <summary>Every row, as far as scopes go.</summary>
    public static readonly AccessCriterion All = new([[]]);

    public ConsentCriterion? Consent { get; init; }
}
