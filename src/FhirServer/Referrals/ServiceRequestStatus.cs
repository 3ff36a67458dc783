using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Security;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using TaskStatus = Hl7.Fhir.Model.Task.TaskStatus;

namespace FhirMh.FhirServer.Referrals;

/// <summary>
/// The referral ServiceRequest follows the Task that fulfils it: completed when the Task completes,
/// revoked when it is cancelled (request-status: revoked, "the authorization for the request has been
/// withdrawn"). It is written as a new version through the store, in the database transaction of the
/// Task's write, so the two never disagree.
/// </summary>
/// <remarks>
/// Only a Task with code fulfill speaks for its focus: an approve or abort Task that completes says
/// nothing about the request being done (task-code, https://hl7.org/fhir/R4/codesystem-task-code.html).
/// A rejected or failed Task leaves the request active, for the referrer to send elsewhere; a Task
/// entered in error leaves it as it is, because the Task record being wrong says nothing about the
/// request, which its requester can revoke or correct itself. A request that has already ended
/// (completed, revoked, entered-in-error) is left alone.
/// </remarks>
internal sealed class ServiceRequestStatus(ResourceStore store, FhirSerializers serializers, CallerContext callerContext, AuditTrail audit)
{
    private const string TaskCodes = "http://hl7.org/fhir/CodeSystem/task-code";

    public async Task FollowAsync(Hl7.Fhir.Model.Task task, TaskStatus to, CancellationToken cancellationToken)
    {
        RequestStatus status;
        switch (to)
        {
            case TaskStatus.Completed:
                status = RequestStatus.Completed;
                break;
            case TaskStatus.Cancelled:
                status = RequestStatus.Revoked;
                break;
            default:
                return;
        }

        if (task.Code?.Coding.Any(c => c.System == TaskCodes && c.Code == "fulfill") != true ||
            LocalReference.Of(task.Focus, callerContext.BaseUrl) is not { } focus ||
            !focus.StartsWith("ServiceRequest/", StringComparison.Ordinal))
        {
            return;
        }

        var id = focus["ServiceRequest/".Length..];
        if (await store.ReadCurrentAsync("ServiceRequest", id, cancellationToken) is not { IsDeleted: false, Json: { } json } current ||
            serializers.ParseJson(json) is not ServiceRequest request ||
            request.Status is RequestStatus.Completed or RequestStatus.Revoked or RequestStatus.EnteredInError)
        {
            return;
        }

        request.Status = status;
        try
        {
            await store.UpdateAsync(request, Preconditions.ExactlyVersion(current.VersionId), "PUT", cancellationToken);
        }
        catch (VersionMismatchException)
        {
            // Someone changed the request since it was read: the Task's write runs again (WritePipeline)
            // or, inside a transaction Bundle, the whole Bundle fails with 409.
            throw new StorageConflictException($"ServiceRequest/{id} changed while its Task was written.");
        }

        await audit.RecordWriteAsync("ServiceRequest", id, cancellationToken);
    }
}
