using System.Collections.Frozen;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Subscriptions;

/// <summary>
/// The Subscriptions of the server, parsed, and the resource types they listen to. Every process
/// keeps it (the dispatcher refreshes it each round, when a Subscription changed), so that a write
/// records an outbox event only for a type some requested or active subscription listens to: a
/// server without subscriptions writes nothing extra.
/// </summary>
internal sealed partial class SubscriptionCatalog(FhirSerializers serializers, ILogger<SubscriptionCatalog> logger)
{
    public const string ResourceType = "Subscription";

    private volatile Snapshot _current = Snapshot.Empty;

    /// <summary>Gives the catalog a new stamp, in the transaction of a write of a Subscription version (<see cref="SubscriptionCatalogState"/>).</summary>
    public static Task ChangeStampAsync(FhirDbContext db, CancellationToken cancellationToken) =>
        State(db).ExecuteUpdateAsync(s => s.SetProperty(x => x.Stamp, Random.Shared.NextInt64()), cancellationToken);

    /// <summary>True when a change of <paramref name="resourceType"/> may concern a subscription.</summary>
    public bool IsWatched(string resourceType) => _current.Listening.ContainsKey(resourceType);

    public IReadOnlyList<ParsedSubscription> Subscriptions => _current.Subscriptions;

    public ParsedSubscription? Find(string id) => _current.Subscriptions.FirstOrDefault(s => s.Id == id);

    /// <summary>
    /// The requested and active subscriptions whose criteria <paramref name="version"/> meets,
    /// leaving aside the patient-organization filter, which needs the database and is checked when
    /// the event is numbered. Checked as the version is written, where its index values are at hand.
    /// </summary>
    public List<string> Matching(ChangedVersion version)
    {
        var matched = new List<string>();
        if (!_current.Listening.TryGetValue(version.ResourceType, out var listening))
        {
            return matched;
        }

        foreach (var (id, matcher) in listening.Candidates(version))
        {
            if (Meets(id, matcher, version))
            {
                matched.Add(id);
            }
        }

        return matched;
    }

    /// <summary>
    /// Whether <paramref name="version"/> meets the criteria of subscription <paramref name="id"/>.
    /// A criterion that cannot be evaluated on it (a FHIRPath error, say) is not met, as a search
    /// would not find the version, and must fail neither the write nor the dispatcher.
    /// </summary>
    public bool Meets(string id, ChangeMatcher matcher, ChangedVersion version)
    {
        try
        {
            return matcher.Matches(version);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogUnmatchable(logger, id, version.ResourceType, version.ResourceId, e.Message);
            return false;
        }
    }

    /// <summary>Reads the Subscriptions again when one was written since the last read.</summary>
    public async Task RefreshAsync(FhirDbContext db, SubscriptionReader reader, CancellationToken cancellationToken)
    {
        // The stamp is read before the Subscriptions: one written in between leaves a catalog newer
        // than its stamp, which the next refresh reads again; never an older catalog under a newer stamp.
        var stamp = await State(db).Select(s => s.Stamp).SingleAsync(cancellationToken);
        if (stamp == _current.Stamp)
        {
            return;
        }

        var rows = await db.Resources.AsNoTracking()
            .Where(r => r.ResourceType == ResourceType && r.IsCurrent && !r.IsDeleted)
            .Select(r => new { r.ResourceId, r.Json })
            .ToListAsync(cancellationToken);
        var baseUrls = await db.Set<SubscriptionStateRow>().AsNoTracking().ToDictionaryAsync(s => s.SubscriptionId, s => s.BaseUrl, cancellationToken);
        var subscriptions = new List<ParsedSubscription>();
        foreach (var row in rows)
        {
            try
            {
                var resource = (Subscription)serializers.ParseJson(row.Json!);
                subscriptions.Add(reader.Read(resource, baseUrls.GetValueOrDefault(row.ResourceId, string.Empty)));
            }
            catch (FhirException e)
            {
                // Written before the allow-list was narrowed, say: it stays as it is, unserved.
                LogUnusable(logger, row.ResourceId, e.Message);
            }
        }

        var listening = subscriptions
            .Where(s => s.Status is ParsedSubscription.Requested or ParsedSubscription.Active)
            .SelectMany(s => s.Matchers.Select(m => (Type: m.Key, s.Id, Matcher: m.Value)))
            .GroupBy(m => m.Type, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => new TypeListeners(g.Select(m => (m.Id, m.Matcher))), StringComparer.Ordinal);
        _current = new Snapshot(stamp, subscriptions, listening);
    }

    private static IQueryable<SubscriptionCatalogState> State(FhirDbContext db) =>
        db.Set<SubscriptionCatalogState>().Where(s => s.Id == SubscriptionCatalogState.SingletonId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription/{Id} cannot be served: {Reason}")]
    private static partial void LogUnusable(ILogger logger, string id, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription/{Id}: its criteria could not be checked against {Type}/{ResourceId}: {Reason}")]
    private static partial void LogUnmatchable(ILogger logger, string id, string type, string resourceId, string reason);

    /// <param name="Stamp">The <see cref="SubscriptionCatalogState"/> stamp read before the Subscriptions.</param>
    /// <param name="Subscriptions">Every stored Subscription the server can serve.</param>
    /// <param name="Listening">Per resource type, the requested and active subscriptions listening to it, with their criteria.</param>
    private sealed record Snapshot(long Stamp, IReadOnlyList<ParsedSubscription> Subscriptions, FrozenDictionary<string, TypeListeners> Listening)
    {
        public static readonly Snapshot Empty = new(-1, [], FrozenDictionary<string, TypeListeners>.Empty);
    }
}
