using Hl7.Fhir.Utility;
using TaskStatus = Hl7.Fhir.Model.Task.TaskStatus;

namespace FhirMh.FhirServer.Referrals;

/// <summary>
/// The Task state machine the server enforces on every Task. R4 draws a "typical" machine and lets
/// a workflow narrow it or add transitions (https://hl7.org/fhir/R4/task.html#statemachine); this
/// is the closed-loop referral's (issue #9, CLINICAL.md "Referrals in brief"): draft -> requested
/// -> received -> accepted | rejected; accepted -> in-progress &lt;-> on-hold; in-progress ->
/// completed | failed; draft, requested, received or accepted -> cancelled; any -> entered-in-error.
/// </summary>
/// <remarks>
/// <para>draft -> cancelled is added to the list: the requester gives up a referral it never
/// sent. Without it a draft could only be deleted, or marked entered-in-error, which says the record
/// was wrong rather than that the referral was dropped.</para>
/// <para><c>ready</c> is not in the machine. R4 uses it "in place of requested/received/accepted/rejected
/// when request assignment and acceptance is a given" (task-status), which a referral never is.</para>
/// <para>Once work has started (in-progress, on-hold) the requester cannot cancel: the owner ends it
/// as completed or failed, and the requester can mark it entered-in-error if it should never have been.</para>
/// </remarks>
internal static class TaskStateMachine
{
    private static readonly Dictionary<TaskStatus, TaskStatus[]> Next = new()
    {
        [TaskStatus.Draft] = [TaskStatus.Requested, TaskStatus.Cancelled],
        [TaskStatus.Requested] = [TaskStatus.Received, TaskStatus.Cancelled],
        [TaskStatus.Received] = [TaskStatus.Accepted, TaskStatus.Rejected, TaskStatus.Cancelled],
        [TaskStatus.Accepted] = [TaskStatus.InProgress, TaskStatus.Cancelled],
        [TaskStatus.InProgress] = [TaskStatus.OnHold, TaskStatus.Completed, TaskStatus.Failed],
        [TaskStatus.OnHold] = [TaskStatus.InProgress],
    };

    /// <summary>True for the statuses a new Task may have: it enters the machine at its start.</summary>
    public static bool IsStart(TaskStatus status) => status is TaskStatus.Draft or TaskStatus.Requested;

    /// <summary>Whether a Task in <paramref name="from"/> may move to <paramref name="to"/>; keeping a status is no move.</summary>
    public static bool IsAllowed(TaskStatus from, TaskStatus to) => NextOf(from).Contains(to);

    /// <summary>The statuses a Task in <paramref name="from"/> may move to.</summary>
    public static IReadOnlyList<TaskStatus> NextOf(TaskStatus from) =>
        from == TaskStatus.EnteredInError ? [] : [.. Next.GetValueOrDefault(from, []), TaskStatus.EnteredInError];

    /// <summary>
    /// The side that sets <paramref name="status"/>: the requester drafts, requests, cancels and
    /// withdraws a Task entered in error; the owner's side does the work and reports on it.
    /// </summary>
    public static TaskSide SideSetting(TaskStatus status) =>
        status is TaskStatus.Draft or TaskStatus.Requested or TaskStatus.Cancelled or TaskStatus.EnteredInError ? TaskSide.Requester : TaskSide.Owner;

    /// <summary>
    /// The element a Task in <paramref name="status"/> must carry, or null: a Task that ends without
    /// being done says why (statusReason), a completed one what came of it (output), so that the
    /// requester learns the outcome and the loop closes.
    /// </summary>
    public static string? RequiredElement(TaskStatus status) => status switch
    {
        TaskStatus.Rejected or TaskStatus.Cancelled or TaskStatus.Failed => "statusReason",
        TaskStatus.Completed => "output",
        _ => null,
    };

    /// <summary>The code of a status as FHIR spells it, e.g. <c>in-progress</c>.</summary>
    public static string Code(TaskStatus status) => status.GetLiteral();

    /// <summary>Codes joined for a sentence: "a, b or c".</summary>
    public static string Codes(IReadOnlyList<TaskStatus> statuses) => statuses.Count switch
    {
        0 => "nothing",
        1 => Code(statuses[0]),
        _ => string.Join(", ", statuses.Take(statuses.Count - 1).Select(Code)) + " or " + Code(statuses[^1]),
    };
}
