namespace FhirMh.FhirServer.Referrals;

/// <summary>The two parties of a Task: the one who asks (<c>Task.requester</c>) and the one who is to act (<c>Task.owner</c>).</summary>
internal enum TaskSide
{
    Requester,
    Owner,
}
