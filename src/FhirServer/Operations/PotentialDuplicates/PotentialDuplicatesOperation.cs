using System.Globalization;
using FhirMh.FhirServer.ClientRegistry;
using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.ProviderRegistry;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Operations.PotentialDuplicates;

/// <summary>
/// <c>GET Practitioner/$potential-duplicates</c> (or Organization), an operation of this server:
/// the provider registry's likely duplicates for staff, strongest first, at most <c>count</c>
/// pairs (default 100, at most 1000) with the number of all pairs as the total. On an instance,
/// <c>Practitioner/[id]/$potential-duplicates</c>, the records paired with that one. Each entry is
/// one record of a pair with <c>search.score</c>, the match grade and the match explanation
/// (which names the other record), scored under the rules in force now.
/// </summary>
internal sealed class PotentialDuplicatesOperation(FhirDbContext db, ResourceStore store, DirectoryRuleSets ruleSets, MatchEntries entries, FhirSerializers serializers) : IFhirOperation
{
    public const string Name = "potential-duplicates";

    private const int DefaultCount = 100;

    private const int MaxCount = 1000;

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var type = request.ResourceType!;
        var count = Count(request.Parameter("count"));
        var pairs = db.PotentialDuplicates.Where(p => p.ResourceType == type);
        if (request.Id is { } id)
        {
            if (await store.ReadCurrentAsync(type, id, cancellationToken) is not { IsDeleted: false })
            {
                throw FhirException.NotFound($"{type}/{id} is not known.");
            }

            pairs = pairs.Where(p => p.FirstId == id || p.SecondId == id);
        }

        var total = await pairs.CountAsync(cancellationToken);
        var page = await pairs.OrderByDescending(p => p.Weight).ThenBy(p => p.FirstId).ThenBy(p => p.SecondId).Take(count).ToListAsync(cancellationToken);
        var rules = ruleSets.For(type);

        // Each record of the page is read and prepared once, however many pairs it is in.
        var ids = page.SelectMany(p => new[] { p.FirstId, p.SecondId }).Distinct().ToList();
        var records = (await db.Resources
                .Where(r => r.ResourceType == type && r.IsCurrent && !r.IsDeleted && ids.Contains(r.ResourceId))
                .Select(r => new { r.ResourceId, r.Json })
                .ToListAsync(cancellationToken))
            .ToDictionary(
                r => r.ResourceId,
                r =>
                {
                    var resource = serializers.ParseJson(r.Json!);
                    return (Resource: resource, Record: rules.Matcher.Prepare(rules.Extract(r.ResourceId, resource)));
                });
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Total = total };
        foreach (var pair in page)
        {
            // On the type the entry is the first record of the pair; on an instance, the other one.
            var (shown, other) = request.Id is null || request.Id == pair.SecondId ? (pair.FirstId, pair.SecondId) : (pair.SecondId, pair.FirstId);
            if (!records.TryGetValue(shown, out var shownRecord) || !records.TryGetValue(other, out var otherRecord))
            {
                continue;
            }

            var score = rules.Matcher.Score(shownRecord.Record, otherRecord.Record);
            var search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match, Score = (decimal)Math.Round(score.Probability, 4) };
            search.Extension.Add(new Extension(MatchGrades.ExtensionUrl, new Code(MatchGrades.Of(rules.Rules, score.Weight) ?? "possible")));
            search.Extension.Add(entries.Explanation(rules, $"{type}/{other}", score));
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = $"{request.BaseUrl}/{type}/{shown}", Resource = shownRecord.Resource, Search = search });
        }

        return FhirResponse.Of(StatusCodes.Status200OK, bundle);
    }

    private static int Count(string? text)
    {
        if (text is null)
        {
            return DefaultCount;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is > 0
            ? Math.Min(count, MaxCount)
            : throw FhirException.BadRequest($"count must be a whole number greater than zero, not '{text}'.", "count");
    }
}
