using FhirMh.FhirServer.Referrals;
using Hl7.Fhir.Utility;
using TaskStatus = Hl7.Fhir.Model.Task.TaskStatus;

namespace FhirMh.FhirServer.Tests.Referrals;

public sealed class TaskStateMachineTests
{
    /// <summary>
    /// The transitions issue #9 lists ("draft -> requested -> received -> accepted or rejected;
    /// accepted -> in-progress; in-progress &lt;-> on-hold; in-progress -> completed or failed;
    /// requested, received or accepted -> cancelled; any -> entered-in-error"), plus draft -> cancelled.
    /// </summary>
    private static readonly HashSet<(string From, string To)> Allowed =
    [
        ("draft", "requested"), ("requested", "received"), ("received", "accepted"), ("received", "rejected"),
        ("accepted", "in-progress"), ("in-progress", "on-hold"), ("on-hold", "in-progress"),
        ("in-progress", "completed"), ("in-progress", "failed"),
        ("draft", "cancelled"), ("requested", "cancelled"), ("received", "cancelled"), ("accepted", "cancelled"),
        .. Enum.GetValues<TaskStatus>().Where(s => s != TaskStatus.EnteredInError).Select(s => (s.GetLiteral(), "entered-in-error")),
    ];

    /// <summary>Every ordered pair of the twelve R4 task-status codes, a status with itself included.</summary>
    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var from in Enum.GetValues<TaskStatus>())
        {
            foreach (var to in Enum.GetValues<TaskStatus>())
            {
                data.Add(from.GetLiteral(), to.GetLiteral());
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void IsAllowed_EveryPair_OnlyTheListedTransitions(string from, string to)
    {
        var isAllowed = TaskStateMachine.IsAllowed(Status(from), Status(to));

        Assert.Equal(Allowed.Contains((from, to)), isAllowed);
    }

    [Fact]
    public void Pairs_CoverAllTwelveStatuses()
    {
        // R4 task-status has 12 codes (https://hl7.org/fhir/R4/valueset-task-status.html).
        Assert.Equal(144, Pairs().Count);
    }

    [Theory]
    [InlineData("draft", true)]
    [InlineData("requested", true)]
    [InlineData("received", false)]
    [InlineData("accepted", false)]
    [InlineData("ready", false)]
    [InlineData("in-progress", false)]
    [InlineData("completed", false)]
    [InlineData("cancelled", false)]
    [InlineData("entered-in-error", false)]
    public void IsStart_OnlyDraftAndRequested(string status, bool isStart)
    {
        Assert.Equal(isStart, TaskStateMachine.IsStart(Status(status)));
    }

    [Theory]
    [InlineData("draft", "Requester")]
    [InlineData("requested", "Requester")]
    [InlineData("cancelled", "Requester")]
    [InlineData("entered-in-error", "Requester")]
    [InlineData("received", "Owner")]
    [InlineData("accepted", "Owner")]
    [InlineData("rejected", "Owner")]
    [InlineData("in-progress", "Owner")]
    [InlineData("on-hold", "Owner")]
    [InlineData("completed", "Owner")]
    [InlineData("failed", "Owner")]
    public void SideSetting_IsTheIssuesSplit(string status, string side)
    {
        Assert.Equal(side, TaskStateMachine.SideSetting(Status(status)).ToString());
    }

    [Theory]
    [InlineData("rejected", "statusReason")]
    [InlineData("cancelled", "statusReason")]
    [InlineData("failed", "statusReason")]
    [InlineData("completed", "output")]
    [InlineData("accepted", null)]
    [InlineData("entered-in-error", null)]
    public void RequiredElement_EndedTasksSayWhyOrWhatCameOfIt(string status, string? element)
    {
        Assert.Equal(element, TaskStateMachine.RequiredElement(Status(status)));
    }

    [Fact]
    public void NextOf_Accepted_ListsItsWaysOutForTheMessage()
    {
        Assert.Equal("in-progress, cancelled or entered-in-error", TaskStateMachine.Codes(TaskStateMachine.NextOf(TaskStatus.Accepted)));
        Assert.Empty(TaskStateMachine.NextOf(TaskStatus.EnteredInError));
    }

    private static TaskStatus Status(string code) => EnumUtility.ParseLiteral<TaskStatus>(code)!.Value;
}
