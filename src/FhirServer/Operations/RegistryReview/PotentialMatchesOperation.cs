using FhirMh.FhirServer.ClientRegistry;
using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Operations.RegistryReview;

/// <summary>
/// <c>GET Patient/[id]/$potential-matches</c>, an operation of this server: the golden records a
/// source record (one tagged possible-duplicate) may belong to, waiting for staff, as a searchset
/// scored and explained like <c>Patient/$match</c> under the rules in force now.
/// </summary>
internal sealed class PotentialMatchesOperation(
    FhirDbContext db,
    PatientMatchRules rules,
    RegistryRecords records,
    GoldenCandidates candidates,
    MatchEntries entries) : IFhirOperation
{
    public const string Name = "potential-matches";

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var sourceId = request.Id!;
        var record = await records.FindAsync(sourceId, cancellationToken)
            ?? throw FhirException.NotFound($"Patient/{sourceId} is not a source record of the client registry.");
        var waiting = (await records.PotentialMatchesAsync(sourceId, cancellationToken)).Select(p => p.GoldenId).ToHashSet(StringComparer.Ordinal);

        var ruleSet = await rules.CurrentAsync(db, cancellationToken);
        var prepared = ruleSet.Matcher.Prepare(RegistryRecords.RecordOf(sourceId, record.Fields));
        var scored = await candidates.ScoreAsync(ruleSet, prepared, ruleSet.Matcher.BlockingKeys(prepared), new HashSet<string>(), cancellationToken);

        var graded = scored
            .Where(s => waiting.Contains(s.GoldenId))
            .Select(s => (s, MatchGrades.Of(ruleSet.Rules, s.Score.Weight) ?? "possible"))
            .ToList();
        var found = await entries.EntriesAsync(request.BaseUrl, ruleSet, graded, cancellationToken);
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Total = found.Count };
        return new FhirResponse(StatusCodes.Status200OK) { Searchset = new Searchset(bundle, found) };
    }
}
