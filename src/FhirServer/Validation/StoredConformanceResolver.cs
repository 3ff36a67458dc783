using System.Collections.Concurrent;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using FhirMh.FhirServer.Validation.Packages;
using Hl7.Fhir.Specification.Snapshot;
using Hl7.Fhir.Specification.Source;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace FhirMh.FhirServer.Validation;

/// <summary>
/// Resolves canonical URLs to the conformance resources clients have stored (POSTed
/// StructureDefinitions, ValueSets, CodeSystems), through the <c>url</c> search index. Lookups
/// that find nothing are remembered for a few seconds, because the validator asks about the same
/// external code systems (LOINC, SNOMED CT) for every resource; a write of a conformance resource
/// in this process forgets them at once.
/// </summary>
internal sealed class StoredConformanceResolver(
    IServiceScopeFactory scopes,
    FhirSerializers serializers,
    ConformancePackages packages,
    SpecificationSource specification,
    IClock clock) : IAsyncResourceResolver
{
    private static readonly NodaTime.Duration MissLifetime = NodaTime.Duration.FromSeconds(5);

    private static readonly string[] Types = ["StructureDefinition", "ValueSet", "CodeSystem", "ConceptMap", "NamingSystem", "OperationDefinition", "SearchParameter", "Questionnaire"];

    private readonly ConcurrentDictionary<string, Instant> _misses = new(StringComparer.Ordinal);

    /// <summary>A conformance resource was written: what was not found before may be found now.</summary>
    public void Forget() => _misses.Clear();

    public Task<Resource?> ResolveByUriAsync(string uri) => System.Threading.Tasks.Task.FromResult<Resource?>(null);

    public async Task<Resource?> ResolveByCanonicalUriAsync(string uri)
    {
        var now = clock.GetCurrentInstant();
        if (_misses.TryGetValue(uri, out var missedAt) && now - missedAt < MissLifetime)
        {
            return null;
        }

        var found = await FindAsync(uri, CancellationToken.None);
        if (found is null)
        {
            _misses[uri] = now;
        }
        else if (found is StructureDefinition { HasSnapshot: false, Differential: not null } profile)
        {
            // Clients usually store a profile as a differential; the validator works from snapshots.
            await new SnapshotGenerator(new MultiResolver(packages.Resolver, specification.Resolver, this), SnapshotGeneratorSettings.CreateDefault())
                .UpdateAsync(profile);
        }

        return found;
    }

    /// <summary>
    /// The stored resource with canonical <paramref name="canonical"/> (<c>url</c> or
    /// <c>url|version</c>) of one of <paramref name="types"/>: the exact version when one is
    /// given, otherwise the most recently written.
    /// </summary>
    public async Task<Resource?> FindAsync(string canonical, CancellationToken cancellationToken, params string[] types)
    {
        var bar = canonical.IndexOf('|', StringComparison.Ordinal);
        var url = bar < 0 ? canonical : canonical[..bar];
        var version = bar < 0 ? null : canonical[(bar + 1)..];
        var searched = types.Length > 0 ? types : Types;

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FhirDbContext>();
        var rows = await StoredCanonicals.WithUrl(db, url, searched)
            .OrderByDescending(r => r.LastUpdated)
            .Select(r => r.Json!)
            .Take(50)
            .ToListAsync(cancellationToken);
        foreach (var json in rows)
        {
            var resource = serializers.ParseJson(json);
            if (version is null || (resource is IVersionableConformanceResource { Version: { } v } && v == version))
            {
                return resource;
            }
        }

        return null;
    }
}
