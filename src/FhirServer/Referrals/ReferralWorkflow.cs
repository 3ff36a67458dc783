using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using TaskStatus = Hl7.Fhir.Model.Task.TaskStatus;

namespace FhirMh.FhirServer.Referrals;

/// <summary>
/// The Task workflow on every write path (create, update, conditional update, patch, each batch or
/// transaction entry; all go through WritePipeline): the state machine (<see cref="TaskStateMachine"/>),
/// If-Match on each status change, the side that may set each status or change the parties (<see cref="TaskParties"/>), the
/// elements an ended Task needs, and the ServiceRequest that follows a fulfilment Task
/// (<see cref="ServiceRequestStatus"/>).
/// </summary>
/// <remarks>
/// It runs after the store has written the new version, in the same database transaction, and
/// compares it with the version it replaced (its versionId less one): the store replaces exactly one
/// version, so the check sees what was really replaced even when writers race, and a refusal rolls
/// the write back. The checks come in the order of RFC 9110 13.2.2 (preconditions before the method's
/// own rules): 412 from the store, then 428, 409, 403, 422.
/// </remarks>
internal sealed class ReferralWorkflow(ResourceStore store, FhirSerializers serializers, TaskParties parties, ServiceRequestStatus serviceRequests)
{
    /// <summary>Every Task follows the machine: referrals, and the server's own self-harm alerts alike.</summary>
    public static bool Applies(Resource resource) => resource is Hl7.Fhir.Model.Task;

    /// <param name="task">The Task as written.</param>
    /// <param name="written">The version the store has just written.</param>
    /// <param name="stated">The preconditions the client stated (If-Match), not those the server adds for a patch.</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <exception cref="FhirException">
    /// 428 for a status change without If-Match, 409 for a transition the machine does not allow, 403 for a
    /// caller on the wrong side, 422 for a new Task that does not start at the start or an ended Task without
    /// the element it needs; each with the expression at fault.
    /// </exception>
    public async Task AfterWriteAsync(Hl7.Fhir.Model.Task task, StoredVersion written, Preconditions stated, CancellationToken cancellationToken)
    {
        var id = written.ResourceId;
        var to = task.Status ?? throw FhirException.Of(
            StatusCodes.Status422UnprocessableEntity, OperationOutcome.IssueType.Required, $"Task/{id} has no status; every Task has one (Task.status 1..1).", "Task.status");
        var replaced = await ReplacedAsync(written, cancellationToken);
        if (replaced?.Status is not { } from)
        {
            // A create, an update that creates, or a new life after a delete: the Task enters the machine.
            if (!TaskStateMachine.IsStart(to))
            {
                throw FhirException.Of(
                    StatusCodes.Status422UnprocessableEntity,
                    OperationOutcome.IssueType.BusinessRule,
                    $"A new Task starts as draft or requested, not {TaskStateMachine.Code(to)}: its later statuses are reached through the Task state machine (task.html#statemachine).",
                    "Task.status");
            }

            await parties.EnsureOnSideAsync(TaskStateMachine.SideSetting(to), task, task, $"create it as {TaskStateMachine.Code(to)}", "Task.status", cancellationToken);
        }
        else if (from != to)
        {
            // A status change needs the version it changes, so that of two staff accepting the same
            // referral one wins and the other gets 412 (http.html#concurrency). "*" names no version.
            if (stated.IfMatch is not { IsAny: false })
            {
                throw FhirException.Of(
                    StatusCodes.Status428PreconditionRequired,
                    OperationOutcome.IssueType.Required,
                    $"Changing the status of Task/{id} from {TaskStateMachine.Code(from)} to {TaskStateMachine.Code(to)} needs If-Match with the version it changes (W/\"{written.VersionId - 1}\" now), so that two people cannot both move it.",
                    "If-Match");
            }

            if (!TaskStateMachine.IsAllowed(from, to))
            {
                throw FhirException.Of(
                    StatusCodes.Status409Conflict,
                    OperationOutcome.IssueType.BusinessRule,
                    $"Task/{id} cannot go from {TaskStateMachine.Code(from)} to {TaskStateMachine.Code(to)}: from {TaskStateMachine.Code(from)} it may go to {TaskStateMachine.Codes(TaskStateMachine.NextOf(from))} (task.html#statemachine).",
                    "Task.status");
            }

            await parties.EnsureOnSideAsync(TaskStateMachine.SideSetting(to), replaced, task, $"set its status to {TaskStateMachine.Code(to)}", "Task.status", cancellationToken);
        }

        if (replaced is not null)
        {
            await EnsurePartiesChangedBySidesAsync(replaced, task, cancellationToken);
        }

        if (TaskStateMachine.RequiredElement(to) is { } element && !Has(task, element))
        {
            var change = replaced?.Status is { } before && before != to
                ? $"Task/{id} cannot go from {TaskStateMachine.Code(before)} to {TaskStateMachine.Code(to)} without Task.{element}"
                : $"Task/{id} is {TaskStateMachine.Code(to)} without Task.{element}";
            var why = element == "output"
                ? "a completed Task names what came of it (an Encounter, a report)"
                : $"a {TaskStateMachine.Code(to)} Task says why";
            throw FhirException.Of(StatusCodes.Status422UnprocessableEntity, OperationOutcome.IssueType.Required, $"{change}: {why}.", $"Task.{element}");
        }

        if (replaced?.Status is { } previous && previous != to)
        {
            await serviceRequests.FollowAsync(task, to, cancellationToken);
        }
    }

    /// <summary>
    /// A change of parties is a side's step too, or a requester could make itself owner and then
    /// accept: the requester's side changes the requester, and the owner while the Task is still a
    /// draft (choosing where the referral goes); after that only the owner's side hands the Task to
    /// another owner (delegation, task.html "owner").
    /// </summary>
    private async Task EnsurePartiesChangedBySidesAsync(Hl7.Fhir.Model.Task replaced, Hl7.Fhir.Model.Task task, CancellationToken cancellationToken)
    {
        if (!IsSame(replaced.Requester, task.Requester))
        {
            await parties.EnsureOnSideAsync(TaskSide.Requester, replaced, task, "change its requester", "Task.requester", cancellationToken);
        }

        if (!IsSame(replaced.Owner, task.Owner))
        {
            var side = replaced.Status == TaskStatus.Draft ? TaskSide.Requester : TaskSide.Owner;
            await parties.EnsureOnSideAsync(side, replaced, task, "hand it to another owner", "Task.owner", cancellationToken);
        }
    }

    private static bool IsSame(ResourceReference? a, ResourceReference? b) => a?.Reference == b?.Reference;

    /// <summary>The live version the write replaced, or null when there was none.</summary>
    private async Task<Hl7.Fhir.Model.Task?> ReplacedAsync(StoredVersion written, CancellationToken cancellationToken)
    {
        if (written.VersionId == 1 ||
            await store.ReadVersionAsync(written.ResourceType, written.ResourceId, written.VersionId - 1, cancellationToken) is not { IsDeleted: false, Json: { } json })
        {
            return null;
        }

        return serializers.ParseJson(json) as Hl7.Fhir.Model.Task;
    }

    private static bool Has(Hl7.Fhir.Model.Task task, string element) => element switch
    {
        "statusReason" => task.StatusReason is { } reason && (reason.Coding.Count > 0 || !string.IsNullOrWhiteSpace(reason.Text)),
        "output" => task.Output.Count > 0,
        _ => true,
    };
}
