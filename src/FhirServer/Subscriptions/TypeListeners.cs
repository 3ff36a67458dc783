using System.Collections.Frozen;
using FhirMh.FhirServer.Search.Indexing;

namespace FhirMh.FhirServer.Subscriptions;

/// <summary>
/// The requested and active subscriptions listening to one resource type, filed for a quick
/// check of a write: those whose criteria require a reference (<see cref="ReferenceGuard"/>, such
/// as one subscription per receiving organization on <c>Task?owner=</c>) under each target id,
/// the others in one list. A write is then checked only against the subscriptions filed under
/// what it references and the unfiled ones, however many subscriptions there are.
/// </summary>
internal sealed class TypeListeners
{
    private readonly (string Id, ChangeMatcher Matcher)[] _unguarded;

    /// <summary>Per reference parameter, per target id, the subscriptions that require it.</summary>
    private readonly FrozenDictionary<string, FrozenDictionary<string, (string Id, ChangeMatcher Matcher)[]>> _guarded;

    public TypeListeners(IEnumerable<(string Id, ChangeMatcher Matcher)> listeners)
    {
        var all = listeners.ToList();
        _unguarded = all.Where(l => l.Matcher.Guard is null).ToArray();
        _guarded = all.Where(l => l.Matcher.Guard is not null)
            .GroupBy(l => l.Matcher.Guard!.Parameter, StringComparer.Ordinal)
            .ToFrozenDictionary(
                byParameter => byParameter.Key,
                byParameter => byParameter
                    .SelectMany(l => l.Matcher.Guard!.TargetIds.Select(id => (TargetId: id, Listener: l)))
                    .GroupBy(x => x.TargetId, StringComparer.Ordinal)
                    .ToFrozenDictionary(byId => byId.Key, byId => byId.Select(x => x.Listener).ToArray(), StringComparer.Ordinal),
                StringComparer.Ordinal);
    }

    /// <summary>The subscriptions <paramref name="version"/> may match, each once: only these need their criteria checked.</summary>
    public IEnumerable<(string Id, ChangeMatcher Matcher)> Candidates(ChangedVersion version)
    {
        foreach (var listener in _unguarded)
        {
            yield return listener;
        }

        if (_guarded.Count == 0)
        {
            yield break;
        }

        HashSet<string>? seen = null;
        foreach (var (parameter, byTarget) in _guarded)
        {
            foreach (var reference in version.ValuesOf(parameter).OfType<ReferenceIndexRow>())
            {
                if (reference.TargetId is null || !byTarget.TryGetValue(reference.TargetId, out var listeners))
                {
                    continue;
                }

                foreach (var listener in listeners)
                {
                    // A version referencing two targets of one subscription is still one candidate.
                    if ((seen ??= new HashSet<string>(StringComparer.Ordinal)).Add(listener.Id))
                    {
                        yield return listener;
                    }
                }
            }
        }
    }
}
