using System.Collections.Concurrent;
using FhirMh.Registries.Matching;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>
/// Source records as the matcher prepared them, kept between requests. Every candidate of a
/// registration or a <c>$match</c> arrives as its stored matching values (JSON) and had to be parsed
/// and normalised anew: with 100,000 golden records, where blocks fill up to their cap, that was a
/// quarter of the server's samples during <c>$match</c>. An entry is used only while its stored
/// values are unchanged and the rules that prepared it are in force; the cache is emptied when it
/// reaches <see cref="ClientRegistryOptions.PreparedSourcesCapacity"/> entries.
/// </summary>
internal sealed class PreparedSources(IOptions<ClientRegistryOptions> options)
{
    private Cache _cache = new(null, new(StringComparer.Ordinal));

    /// <summary>The source <paramref name="sourceId"/> with <paramref name="fields"/> (its <c>mpi_records.fields</c>), prepared by <paramref name="matcher"/>.</summary>
    public PreparedRecord Prepare(RecordMatcher matcher, string sourceId, string fields)
    {
        var cache = Volatile.Read(ref _cache);
        if (!ReferenceEquals(cache.Rules, matcher.Rules))
        {
            // Other rules (a new version) read and normalise records their own way.
            cache = new Cache(matcher.Rules, new(StringComparer.Ordinal));
            Volatile.Write(ref _cache, cache);
        }

        if (cache.Entries.TryGetValue(sourceId, out var entry) && string.Equals(entry.Fields, fields, StringComparison.Ordinal))
        {
            return entry.Prepared;
        }

        var prepared = matcher.Prepare(RegistryRecords.RecordOf(sourceId, fields));
        var capacity = options.Value.PreparedSourcesCapacity;
        if (capacity <= 0)
        {
            return prepared;
        }

        if (cache.Entries.Count >= capacity)
        {
            cache.Entries.Clear();
        }

        cache.Entries[sourceId] = new Entry(fields, prepared);
        return prepared;
    }

    private sealed record Entry(string Fields, PreparedRecord Prepared);

    private sealed record Cache(MatchRules? Rules, ConcurrentDictionary<string, Entry> Entries);
}
