using FhirMh.FhirServer.Search.Parsing;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// The consent test for the rows of one type, for one caller: a row is hidden when it belongs to
/// another patient (through <see cref="CompartmentParameters"/>, or being that Patient) whose
/// effective consent denies this caller, or who has none under a deny-by-default policy.
/// </summary>
internal sealed record ConsentCriterion(
    string ResourceType,
    IReadOnlyList<string> CompartmentParameters,
    string OwnPatient,
    IReadOnlyList<string> Actors,
    IReadOnlyList<string> Purposes,
    IReadOnlyList<string> Actions,
    bool IsDenyByDefault,
    Instant Now,
    string DataDateParameter) : SearchCriterion;
