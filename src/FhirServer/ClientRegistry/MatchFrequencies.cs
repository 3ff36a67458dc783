using FhirMh.Registries.Matching;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>
/// How common each value of the frequency-adjusted fields is among the registry's source records,
/// so that agreeing on a common family name weighs less than agreeing on a rare one. The table is
/// counted in the background from the registry rows, at most every
/// <see cref="ClientRegistryOptions.FrequencyRefresh"/>; until the first count is ready, matching
/// uses the configured u.
/// </summary>
internal sealed partial class MatchFrequencies(
    IServiceScopeFactory scopes,
    IClock clock,
    IOptions<ClientRegistryOptions> options,
    ILogger<MatchFrequencies> logger)
{
    private Snapshot? _snapshot;
    private int _isCounting;

    /// <summary><paramref name="rules"/> with the latest counts of its version applied, or as they are while none is ready.</summary>
    public MatchRuleSet Apply(MatchRuleSet rules)
    {
        if (!rules.Rules.Fields.Any(f => f.IsFrequencyAdjusted))
        {
            return rules;
        }

        var snapshot = Volatile.Read(ref _snapshot);
        var now = clock.GetCurrentInstant();
        if (snapshot is null || snapshot.Version != rules.Version || now - snapshot.CountedAt >= Duration.FromTimeSpan(options.Value.FrequencyRefresh))
        {
            StartCounting(rules);
        }

        return snapshot is not null && snapshot.Version == rules.Version && ReferenceEquals(snapshot.Basis, rules) ? snapshot.Adjusted : rules;
    }

    private void StartCounting(MatchRuleSet rules)
    {
        if (Interlocked.CompareExchange(ref _isCounting, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var rows = await scope.ServiceProvider.GetRequiredService<RegistryRecords>().AllAsync(CancellationToken.None);
                var table = ValueFrequencyTable.Count(rules.Matcher, rows.Select(r => rules.Matcher.Prepare(RegistryRecords.RecordOf(r.SourceId, r.Fields))));
                Volatile.Write(ref _snapshot, new Snapshot(rules.Version, rules, rules.WithFrequencies(table), clock.GetCurrentInstant()));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Matching goes on with the configured u; the next use tries again.
                LogCountFailed(logger, e);
            }
            finally
            {
                Volatile.Write(ref _isCounting, 0);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting the value frequencies of the client registry failed")]
    private static partial void LogCountFailed(ILogger logger, Exception exception);

    private sealed record Snapshot(string Version, MatchRuleSet Basis, MatchRuleSet Adjusted, Instant CountedAt);
}
