using FhirMh.FhirServer.Search.Reindexing;
using NodaTime;

namespace FhirMh.FhirServer.Tests;

/// <summary>The lease predicates, compiled and run on objects: the same expressions the database evaluates.</summary>
public sealed class ReindexLeaseTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 1, 1, 12, 0);

    [Theory]
    [InlineData("Pending", null, true)]
    [InlineData("Running", null, true)]
    [InlineData("Running", -1, true)]
    [InlineData("Running", 0, false)]
    [InlineData("Running", 30, false)]
    [InlineData("Done", null, false)]
    [InlineData("Superseded", -30, false)]
    public void IsClaimable_UnfinishedWithoutLiveLease(string status, int? leaseSecondsFromNow, bool isClaimable)
    {
        var job = Job(status, "other", leaseSecondsFromNow);

        Assert.Equal(isClaimable, ReindexLease.IsClaimable(Now).Compile()(job));
    }

    [Theory]
    [InlineData("Running", "me", 10, true)]
    [InlineData("Running", "me", 0, true)]
    [InlineData("Running", "me", -1, false)]
    [InlineData("Running", "other", 10, false)]
    [InlineData("Superseded", "me", 10, false)]
    [InlineData("Done", "me", 10, false)]
    public void IsHeldBy_OwnLiveLeaseOnRunningJob(string status, string owner, int leaseSecondsFromNow, bool isHeld)
    {
        var job = Job(status, owner, leaseSecondsFromNow);

        Assert.Equal(isHeld, ReindexLease.IsHeldBy(7, "me", Now).Compile()(job));
        Assert.False(ReindexLease.IsHeldBy(8, "me", Now).Compile()(job));
    }

    private static ReindexJob Job(string status, string owner, int? leaseSecondsFromNow) => new()
    {
        Id = 7,
        SearchParameterId = "sp",
        Code = "code",
        ResourceTypes = "Patient",
        Status = Enum.Parse<ReindexJobStatus>(status),
        LeaseOwner = owner,
        LeaseExpiresAt = leaseSecondsFromNow is { } seconds ? Now + Duration.FromSeconds(seconds) : null,
    };
}
