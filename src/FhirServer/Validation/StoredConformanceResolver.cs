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
/// StructureDefinitions, ValueSets, CodeSystems, Questionnaires), through the <c>url</c> search
/// index. Answers are remembered for a few seconds, found or not, because the validator asks
/// about the same canonicals for every resource (the external code systems LOINC and SNOMED CT;
/// the Questionnaire of every response) and waits for each answer on a pool thread; a write of
/// a conformance resource in this process forgets them at once, another process's write is seen
/// within <see cref="Lifetime"/>.
/// </summary>
internal sealed class StoredConformanceResolver(
    IServiceScopeFactory scopes,
    FhirSerializers serializers,
    ConformancePackages packages,
    SpecificationSource specification,
    IClock clock) : IAsyncResourceResolver
{
    private static readonly NodaTime.Duration Lifetime = NodaTime.Duration.FromSeconds(5);

    private static readonly string[] Types = ["StructureDefinition", "ValueSet", "CodeSystem", "ConceptMap", "NamingSystem", "OperationDefinition", "SearchParameter", "Questionnaire"];

    private readonly ConcurrentDictionary<string, (Resource? Found, Instant At)> _answers = new(StringComparer.Ordinal);

    /// <summary>A conformance resource was written: what was found or not found before may have changed.</summary>
    public void Forget() => _answers.Clear();

    public Task<Resource?> ResolveByUriAsync(string uri) => System.Threading.Tasks.Task.FromResult<Resource?>(null);

    public async Task<Resource?> ResolveByCanonicalUriAsync(string uri)
    {
        var now = clock.GetCurrentInstant();
        if (_answers.TryGetValue(uri, out var answer) && now - answer.At < Lifetime)
        {
            return answer.Found;
        }

        var found = await FindAsync(uri, CancellationToken.None);
        if (found is StructureDefinition { HasSnapshot: false, Differential: not null } profile)
        {
            // Clients usually store a profile as a differential; the validator works from snapshots.
            await new SnapshotGenerator(new MultiResolver(packages.Resolver, specification.Resolver, this), SnapshotGeneratorSettings.CreateDefault())
                .UpdateAsync(profile);
        }

        _answers[uri] = (found, now);
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
