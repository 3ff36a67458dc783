using FhirMh.FhirServer.Security;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Subscriptions;

/// <summary>
/// What a client's write of a Subscription goes through (WritePipeline): it is checked, so one
/// the server cannot honour is refused with 422; its status is the server's to set (R4
/// subscription.html: the client asks with <c>requested</c>, the server moves it to
/// <c>active</c> after a handshake, or to <c>error</c>); and the base URL it was written
/// through is kept for the notifications.
/// </summary>
internal sealed class SubscriptionWrites(SubscriptionReader reader, CallerContext caller, FhirDbContext db, ResourceStore store)
{
    public static bool Applies(Resource resource) => resource is Subscription;

    /// <exception cref="Rest.FhirException">422 when the Subscription cannot be served.</exception>
    public void Prepare(Subscription subscription)
    {
        // active and error are reached through the server; a client sets requested (again) or off.
        if (subscription.Status is not Subscription.SubscriptionStatus.Off)
        {
            subscription.Status = Subscription.SubscriptionStatus.Requested;
            subscription.Error = null;
        }

        reader.Read(subscription, caller.BaseUrl);
    }

    public async Task AfterWriteAsync(string id, CancellationToken cancellationToken)
    {
        await store.FlushAsync(cancellationToken);
        var state = await db.Set<SubscriptionStateRow>().FirstOrDefaultAsync(s => s.SubscriptionId == id, cancellationToken);
        if (state is null)
        {
            db.Add(new SubscriptionStateRow { SubscriptionId = id, BaseUrl = caller.BaseUrl });
        }
        else
        {
            state.BaseUrl = caller.BaseUrl;
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
