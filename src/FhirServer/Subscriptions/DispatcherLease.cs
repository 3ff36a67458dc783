using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace FhirMh.FhirServer.Subscriptions;

/// <summary>
/// One dispatcher at a time across the processes sharing a database, so a notification is
/// numbered and sent once. Taken and renewed by a conditional UPDATE, which the database
/// serialises; a process that dies loses it when it expires.
/// </summary>
internal static class DispatcherLease
{
    private const string Name = "dispatcher";

    public static async Task<bool> TryHoldAsync(FhirDbContext db, string owner, Instant now, Duration duration, CancellationToken cancellationToken)
    {
        var expires = now + duration;
        var held = await db.Set<SubscriptionLeaseRow>()
            .Where(l => l.Name == Name && (l.Owner == owner || l.ExpiresAt < now))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, owner).SetProperty(l => l.ExpiresAt, expires), cancellationToken);
        if (held == 1)
        {
            return true;
        }

        if (await db.Set<SubscriptionLeaseRow>().AnyAsync(l => l.Name == Name, cancellationToken))
        {
            return false;
        }

        try
        {
            db.Add(new SubscriptionLeaseRow { Name = Name, Owner = owner, ExpiresAt = expires });
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException e) when (UniqueViolation.Is(e))
        {
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Gives the lease up at shutdown, so another process takes over at once.</summary>
    public static Task ReleaseAsync(FhirDbContext db, string owner, CancellationToken cancellationToken) =>
        db.Set<SubscriptionLeaseRow>().Where(l => l.Name == Name && l.Owner == owner).ExecuteDeleteAsync(cancellationToken);
}
