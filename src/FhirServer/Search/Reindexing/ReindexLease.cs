using System.Linq.Expressions;

namespace FhirMh.FhirServer.Search.Reindexing;

/// <summary>
/// The lease rules of <see cref="ReindexJob"/>s (ARCHITECTURE.md: background work takes leases
/// in the database so that two processes never do the same job). The predicates are expressions
/// so that the database evaluates them inside the claiming UPDATE: on PostgreSQL a second
/// process racing for the same job waits for the first UPDATE's row lock, re-checks the
/// predicate on the new row and updates nothing.
/// </summary>
internal static class ReindexLease
{
    /// <summary>A job is free when it is unfinished and nobody holds an unexpired lease on it.</summary>
    public static Expression<Func<ReindexJob, bool>> IsClaimable(Instant now) =>
        job => (job.Status == ReindexJobStatus.Pending || job.Status == ReindexJobStatus.Running)
            && (job.LeaseExpiresAt == null || job.LeaseExpiresAt < now);

    /// <summary>A batch may be written only while its process still holds the lease of a running job.</summary>
    public static Expression<Func<ReindexJob, bool>> IsHeldBy(long jobId, string owner, Instant now) =>
        job => job.Id == jobId && job.Status == ReindexJobStatus.Running && job.LeaseOwner == owner && job.LeaseExpiresAt >= now;
}
