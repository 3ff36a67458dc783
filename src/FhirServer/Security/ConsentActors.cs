using System.Collections.Concurrent;
using NodaTime;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// The actors a caller is (its roles, organizations, care teams) for a few seconds, so that a
/// busy client does not look them up on every request. A change of membership applies within
/// <see cref="Lifetime"/>; a change of consent applies at once (it is read in each query).
/// </summary>
internal sealed class ConsentActors(IClock clock)
{
    public static readonly NodaTime.Duration Lifetime = NodaTime.Duration.FromSeconds(10);

    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (Instant ReadAt, List<string> Actors)> _byCaller = new(StringComparer.Ordinal);

    public async Task<List<string>> GetAsync(Caller caller, Func<CancellationToken, Task<List<string>>> read, CancellationToken cancellationToken)
    {
        var key = $"{caller.ClientId}\\n{caller.FhirUser}";
        var now = clock.GetCurrentInstant();
        if (_byCaller.TryGetValue(key, out var cached) && now - cached.ReadAt < Lifetime)
        {
            return cached.Actors;
        }

        var actors = await read(cancellationToken);
        if (_byCaller.Count >= MaxEntries)
        {
            _byCaller.Clear();
        }

        _byCaller[key] = (now, actors);
        return actors;
    }
}
