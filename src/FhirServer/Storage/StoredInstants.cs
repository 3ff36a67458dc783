using NodaTime;

namespace FhirMh.FhirServer.Storage;

/// <summary>
/// Instants at the precision the store keeps: microseconds, what PostgreSQL's timestamptz holds,
/// so that the instant in a version's stored JSON and the one in its column are the same, and an
/// instant the server hands out (a history horizon) means the same when a client sends it back.
/// </summary>
internal static class StoredInstants
{
    private static readonly Duration Microsecond = Duration.FromTicks(10);

    /// <summary>The latest stored-precision instant not after <paramref name="instant"/>.</summary>
    public static Instant Floor(Instant instant)
    {
        var ticks = instant.ToUnixTimeTicks();
        var floor = Instant.FromUnixTimeTicks(ticks - (ticks % 10));
        return floor > instant ? floor - Microsecond : floor;
    }

    /// <summary>The earliest stored-precision instant not before <paramref name="instant"/>.</summary>
    public static Instant Ceiling(Instant instant)
    {
        var floor = Floor(instant);
        return floor == instant ? floor : floor + Microsecond;
    }
}
