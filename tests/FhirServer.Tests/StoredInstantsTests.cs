using FhirMh.FhirServer.Storage;
using NodaTime;

namespace FhirMh.FhirServer.Tests;

public sealed class StoredInstantsTests
{
    // Microseconds: what PostgreSQL's timestamptz keeps (postgresql.org/docs/current/datatype-datetime.html).
    [Theory]
    [InlineData(1_000_000_000L, 1_000_000_000L, 1_000_000_000L)]
    [InlineData(1_000_000_001L, 1_000_000_000L, 1_000_001_000L)]
    [InlineData(1_000_000_999L, 1_000_000_000L, 1_000_001_000L)]
    [InlineData(-1L, -1_000L, 0L)]
    public void FloorAndCeiling_NanosecondsSinceEpoch_AreTheMicrosecondsAround(long nanoseconds, long floor, long ceiling)
    {
        var instant = Instant.FromUnixTimeTicks(0) + Duration.FromNanoseconds(nanoseconds);

        Assert.Equal(Instant.FromUnixTimeTicks(0) + Duration.FromNanoseconds(floor), StoredInstants.Floor(instant));
        Assert.Equal(Instant.FromUnixTimeTicks(0) + Duration.FromNanoseconds(ceiling), StoredInstants.Ceiling(instant));
    }
}
