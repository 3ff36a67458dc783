using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Security;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Referrals;

/// <summary>
/// Whether the caller is on the side of a Task that may make a change (<see cref="TaskStateMachine.SideSetting"/>
/// for a status): a member of its requester or of its owner. A member is the party itself (fhirUser is the
/// reference), a practitioner with a PractitionerRole in use at the organization or service, or
/// that role; for a HealthcareService, members of the Organization that provides it count too.
/// The actors come from <see cref="CallerActors"/>, as consent's do. With security off the caller
/// is unrestricted and stands on both sides.
/// </summary>
internal sealed class TaskParties(CallerContext callerContext, CallerActors callerActors, FhirDbContext db)
{
    /// <summary>
    /// 403 unless the caller is on <paramref name="side"/> of the Task. The parties are those of
    /// <paramref name="stored"/>, the version being replaced (the new Task itself for a create), so a
    /// write cannot name itself owner and accept at once. A Task that names no requester (such as the
    /// server's own self-harm alert) is answered for by its owner; one that names no owner yet is
    /// claimed by the caller who names itself owner in <paramref name="written"/>.
    /// </summary>
    /// <param name="side">The side that may do what the write does.</param>
    /// <param name="stored">The Task as it was.</param>
    /// <param name="written">The Task as written.</param>
    /// <param name="action">What the write does, for the message, e.g. "set its status to accepted".</param>
    /// <param name="expression">The element the write changes, for the OperationOutcome, e.g. <c>Task.status</c>.</param>
    /// <param name="cancellationToken">Cancels the membership queries.</param>
    /// <exception cref="FhirException">403 when the caller is on the other side or on none.</exception>
    public async Task EnsureOnSideAsync(TaskSide side, Hl7.Fhir.Model.Task stored, Hl7.Fhir.Model.Task written, string action, string expression, CancellationToken cancellationToken)
    {
        var caller = callerContext.Current;
        if (caller.IsUnrestricted)
        {
            return;
        }

        var party = side == TaskSide.Requester ? stored.Requester ?? stored.Owner : stored.Owner ?? written.Owner;
        var target = LocalReference.Of(party, callerContext.BaseUrl);
        if (target is not null && await IsMemberAsync(target, cancellationToken))
        {
            return;
        }

        var who = caller.FhirUser is { } fhirUser ? $"the access token's user {fhirUser}" : "an access token without a fhirUser";
        var sideName = side == TaskSide.Requester ? "requester" : "owner";
        throw FhirException.Of(
            StatusCodes.Status403Forbidden,
            OperationOutcome.IssueType.Forbidden,
            $"Only the {sideName}'s side of Task/{written.Id} ({target ?? party?.Reference ?? "none named"}) may {action}; {who} is not a member of it.",
            expression);
    }

    private async Task<bool> IsMemberAsync(string party, CancellationToken cancellationToken)
    {
        var actors = await callerActors.OfCallerAsync(cancellationToken);
        if (actors.Contains(party, StringComparer.Ordinal))
        {
            return true;
        }

        if (!party.StartsWith("HealthcareService/", StringComparison.Ordinal))
        {
            return false;
        }

        // The Organization that provides the service (HealthcareService.providedBy, search parameter organization).
        var organizations = actors.Where(a => a.StartsWith("Organization/", StringComparison.Ordinal)).Select(a => a["Organization/".Length..]).ToList();
        if (organizations.Count == 0)
        {
            return false;
        }

        var service = party["HealthcareService/".Length..];
        return await db.ReferenceIndex.AnyAsync(
            x => x.ResourceType == "HealthcareService" && x.Param == "organization" && x.TargetType == "Organization" && organizations.Contains(x.TargetId!) &&
                db.Resources.Any(r => r.RowId == x.RowId && r.ResourceId == service && r.IsCurrent && !r.IsDeleted),
            cancellationToken);
    }
}
