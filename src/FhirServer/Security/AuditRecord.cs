namespace FhirMh.FhirServer.Security;

/// <summary>
/// One access to audit, as the request saw it: what was done (a restful-interaction code) to
/// what, by whom, for which purposes, with which result, and the stored rows it returned, from
/// which the patients concerned are found when the AuditEvents are written.
/// </summary>
internal sealed record AuditRecord(
    Instant Recorded,
    string Interaction,
    string? ResourceType,
    string? ResourceId,
    string? Query,
    int Status,
    string? ClientId,
    string? Subject,
    string? FhirUser,
    IReadOnlyList<string> Purposes,
    bool IsBreakTheGlass)
{
    /// <summary>The rows the interaction read or returned.</summary>
    public IReadOnlyList<long> RowIds { get; init; } = [];

    /// <summary>Patients known from the request itself (e.g. <c>Patient/[id]/$everything</c>).</summary>
    public IReadOnlyList<string> Patients { get; init; } = [];
}
