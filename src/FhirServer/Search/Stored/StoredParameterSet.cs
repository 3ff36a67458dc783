using System.Collections.Concurrent;
using System.Collections.Frozen;
using FhirMh.FhirServer.Search.Parameters;

namespace FhirMh.FhirServer.Search.Stored;

/// <summary>
/// The stored SearchParameters as of one <see cref="Stamp"/>, immutable: a request works with
/// the set it started with while a reload swaps in a new one.
/// </summary>
internal sealed class StoredParameterSet
{
    private readonly ILookup<string, SearchParameterDefinition> _byType;
    private readonly FrozenDictionary<string, IndexingProgress> _indexing;
    private readonly ConcurrentDictionary<string, FrozenDictionary<string, SearchParameterDefinition>> _merged = new(StringComparer.Ordinal);

    public StoredParameterSet(long? stamp, IReadOnlyList<StoredParameter> parameters, IEnumerable<IndexingProgress> indexing)
    {
        Stamp = stamp;
        Parameters = parameters;
        _byType = parameters.SelectMany(p => p.Definitions).ToLookup(d => d.ResourceType, StringComparer.Ordinal);
        _indexing = indexing.ToFrozenDictionary(i => i.SearchParameterId, StringComparer.Ordinal);
    }

    /// <summary>Nothing loaded yet: the first use loads.</summary>
    public static StoredParameterSet Unloaded { get; } = new(null, [], []);

    /// <summary>The database stamp this set was loaded at; null before the first load.</summary>
    public long? Stamp { get; }

    public IReadOnlyList<StoredParameter> Parameters { get; }

    /// <summary>
    /// The built-in parameters of <paramref name="resourceType"/> with the stored ones added. A
    /// stored parameter never replaces a built-in one of the same code (writes refuse such a
    /// SearchParameter; this keeps one stored before that rule harmless).
    /// </summary>
    public FrozenDictionary<string, SearchParameterDefinition> Merge(string resourceType, FrozenDictionary<string, SearchParameterDefinition> builtIn)
    {
        if (!_byType.Contains(resourceType))
        {
            return builtIn;
        }

        return _merged.GetOrAdd(resourceType, type =>
        {
            var merged = new Dictionary<string, SearchParameterDefinition>(builtIn, StringComparer.Ordinal);
            foreach (var definition in _byType[type])
            {
                merged.TryAdd(definition.Code, definition);
            }

            return merged.ToFrozenDictionary(StringComparer.Ordinal);
        });
    }

    /// <summary>The progress of the unfinished re-index job behind a stored parameter of the type, or null when it has none.</summary>
    public IndexingProgress? Indexing(string resourceType, string code)
    {
        foreach (var parameter in Parameters)
        {
            if (parameter.Code == code && parameter.Bases.Contains(resourceType) && _indexing.TryGetValue(parameter.Id, out var progress))
            {
                return progress;
            }
        }

        return null;
    }
}
