using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using FhirMh.Registries.Matching;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace FhirMh.FhirServer.ProviderRegistry;

/// <summary>
/// Likely duplicates among Practitioners (or Organizations) without a shared identifier: name
/// variants, the same phone, the same address. On every write the record is compared, with the
/// registries' matching engine and the type's own rules, to the records sharing one of its
/// blocking keys; pairs at or above the lower threshold are stored for staff. Nothing is merged.
/// </summary>
internal sealed class DuplicateDetection(FhirDbContext db, DirectoryRuleSets ruleSets, FhirSerializers serializers, IClock clock)
{
    /// <summary>The record as <paramref name="resource"/>'s type's rules compare it, with its blocking keys.</summary>
    public (PreparedRecord Record, IReadOnlyList<string> Keys) Prepare(Resource resource, string id)
    {
        var rules = ruleSets.For(resource.TypeName);
        var prepared = rules.Matcher.Prepare(rules.Extract(id, resource));
        return (prepared, rules.Matcher.BlockingKeys(prepared).Distinct(StringComparer.Ordinal).ToList());
    }

    /// <summary>The lock names of the keys: a writer of a record waits for concurrent writers of records that share a key, then compares with them.</summary>
    public static IEnumerable<string> LockNames(string type, IEnumerable<string> keys) =>
        keys.Select(k => $"directory-key|{type}|{k}");

    /// <summary>Stores the record's keys and its pairs, replacing what an earlier version left.</summary>
    public async Task DetectAsync(string type, string id, PreparedRecord prepared, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var rules = ruleSets.For(type);
        await ForgetAsync(type, id, cancellationToken);
        db.DuplicateKeys.AddRange(keys.Select(k => new DuplicateKeyRow { ResourceType = type, ResourceId = id, Key = k }));

        var cap = rules.Rules.BlockSizeCap * Math.Max(1, keys.Count);
        var candidateIds = await db.DuplicateKeys
            .Where(k => k.ResourceType == type && keys.Contains(k.Key) && k.ResourceId != id)
            .Select(k => k.ResourceId)
            .Distinct()
            .Take(cap)
            .ToListAsync(cancellationToken);
        if (candidateIds.Count > 0)
        {
            var candidates = await db.Resources
                .Where(r => r.ResourceType == type && r.IsCurrent && !r.IsDeleted && candidateIds.Contains(r.ResourceId))
                .Select(r => new { r.ResourceId, r.Json })
                .ToListAsync(cancellationToken);
            var now = clock.GetCurrentInstant();
            foreach (var candidate in candidates)
            {
                var score = rules.Matcher.Score(prepared, rules.Matcher.Prepare(rules.Extract(candidate.ResourceId, serializers.ParseJson(candidate.Json!))));
                if (score.Weight >= rules.Rules.LowerThreshold)
                {
                    var (first, second) = string.CompareOrdinal(id, candidate.ResourceId) < 0 ? (id, candidate.ResourceId) : (candidate.ResourceId, id);
                    db.PotentialDuplicates.Add(new PotentialDuplicateRow
                    {
                        ResourceType = type,
                        FirstId = first,
                        SecondId = second,
                        Weight = score.Weight,
                        RuleVersion = rules.Version,
                        DetectedAt = now,
                    });
                }
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Removes the record's keys and pairs: it was deleted, or is about to get new ones.</summary>
    public async Task ForgetAsync(string type, string id, CancellationToken cancellationToken)
    {
        await db.DuplicateKeys.Where(k => k.ResourceType == type && k.ResourceId == id).ExecuteDeleteAsync(cancellationToken);
        await db.PotentialDuplicates.Where(p => p.ResourceType == type && (p.FirstId == id || p.SecondId == id)).ExecuteDeleteAsync(cancellationToken);
    }
}
