using System.Globalization;
using FhirMh.FhirServer.ClientRegistry;
using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Storage;
using FhirMh.Registries.Matching;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Operations.EstimateWeights;

/// <summary>
/// <c>POST Patient/$estimate-weights</c>, an operation of this server: learns the m and u
/// probabilities of the matching rules from the records already in the registry. u, the chance
/// that two different people agree at a level, is measured on random pairs of records; m and the
/// share of matches are then estimated by expectation-maximisation over every pair that shares a
/// blocking key, as matching on write would compare them, once per blocking pass without the
/// fields its key is made of (<see cref="WeightEstimation.EstimateByBlockingPass"/>). The result is stored as the next version of <c>Binary/patient-match-rules</c>. Thresholds, fields
/// and blocking stay as they were. New registrations use the new version at once; existing links
/// keep the version and score they were made with.
/// </summary>
internal sealed class EstimateWeightsOperation(
    FhirDbContext db,
    ResourceStore store,
    PatientMatchRules rules,
    RegistryRecords records) : IFhirOperation
{
    public const string Name = "estimate-weights";

    private const int DefaultMaxPairs = 2_000_000;

    /// <summary>The most candidate pairs one run compares: each is held in memory.</summary>
    private const int MaxPairs = 5_000_000;

    private const int MaxIterations = 500;

    private const int RandomPairs = 200_000;

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var input = OperationInput.From(request);
        var maxPairs = input.NonNegativeInteger("maxPairs") ?? DefaultMaxPairs;
        if (maxPairs is < 1 or > MaxPairs)
        {
            throw Rest.FhirException.BadRequest($"maxPairs must be between 1 and {MaxPairs:N0}, not {maxPairs:N0}.", "maxPairs");
        }

        // The rules are estimated from the version stored now and written only over that version,
        // so a change made meanwhile (by staff or another run) is not silently replaced.
        var stored = await store.ReadCurrentAsync("Binary", PatientMatchRules.BinaryId, cancellationToken);
        rules.Forget();
        var current = await rules.CurrentAsync(db, cancellationToken);

        var prepared = (await records.AllAsync(cancellationToken))
            .ToDictionary(r => r.SourceId, r => current.Matcher.Prepare(RegistryRecords.RecordOf(r.SourceId, r.Fields)), StringComparer.Ordinal);
        var pairs = await records.CandidatePairsAsync(current.Rules.BlockSizeCap, maxPairs, cancellationToken);
        var keys = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        IReadOnlySet<string> KeysOf(string id) =>
            keys.TryGetValue(id, out var found) ? found : keys[id] = current.Matcher.BlockingKeys(prepared[id]).ToHashSet(StringComparer.Ordinal);
        var vectors = pairs
            .Where(p => prepared.ContainsKey(p.LeftId) && prepared.ContainsKey(p.RightId))
            .Select(p => new BlockedPair(current.Matcher.Compare(prepared[p.LeftId], prepared[p.RightId]), RecordMatcher.SharedPasses(KeysOf(p.LeftId), KeysOf(p.RightId))))
            .ToList();
        if (vectors.Count == 0)
        {
            throw Rest.FhirException.Of(
                StatusCodes.Status422UnprocessableEntity,
                OperationOutcome.IssueType.Incomplete,
                "The registry holds no pair of records that share a blocking key: register people first, then estimate the weights.");
        }

        var sample = prepared.Values.OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        var random = new Random(sample.Count);
        var randomVectors = new List<ComparisonVector>(RandomPairs);
        for (var i = 0; sample.Count > 1 && i < Math.Min(RandomPairs, (long)sample.Count * (sample.Count - 1) / 2); i++)
        {
            var left = random.Next(sample.Count);
            var right = random.Next(sample.Count - 1);
            randomVectors.Add(current.Matcher.Compare(sample[left], sample[right >= left ? right + 1 : right]));
        }

        var estimate = WeightEstimation.EstimateByBlockingPass(current.Rules, vectors, randomVectors, MaxIterations, 1e-6);
        var learned = estimate.Rules.WithVersion(NextVersion(current.Version));
        var json = learned.ToJson();

        var expected = stored is { IsDeleted: false }
            ? Preconditions.ExactlyVersion(stored.VersionId)
            : Preconditions.NoLiveResource;
        var written = await store.UpdateAsync(PatientMatchRules.ToBinary(json), expected, "PUT", cancellationToken);
        rules.Forget();

        var result = new Parameters();
        result.Add("rules", new ResourceReference(written.Version!.VersionPath));
        result.Add("version", new FhirString(learned.Version));
        result.Add("records", new Integer(prepared.Count));
        result.Add("pairs", new Integer(vectors.Count));
        result.Add("randomPairs", new Integer(randomVectors.Count));
        result.Add("iterations", new Integer(estimate.Iterations));
        result.Add("converged", new FhirBoolean(estimate.Converged));
        result.Add("matchProportion", new FhirDecimal((decimal)Math.Round(estimate.MatchProportion, 6)));
        result.Add("json", new FhirString(json));
        return FhirResponse.Of(StatusCodes.Status200OK, result);
    }

    /// <summary>
    /// "3" becomes "4", "2024-a.7" becomes "2024-a.8", and another version gets ".1" ("2024-a"
    /// becomes "2024-a.1"), so repeated runs count up instead of growing the version.
    /// </summary>
    private static string NextVersion(string version)
    {
        var dot = version.LastIndexOf('.');
        var (stem, last) = dot < 0 ? (string.Empty, version) : (version[..(dot + 1)], version[(dot + 1)..]);
        if (int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number < int.MaxValue)
        {
            return stem + (number + 1).ToString(CultureInfo.InvariantCulture);
        }

        var next = version + ".1";
        return next.Length <= PatientMatchRules.MaxVersionLength ? next : "1";
    }
}
