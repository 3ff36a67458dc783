using FhirMh.FhirServer.ClientRegistry;
using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Operations.Match;

/// <summary>
/// <c>Patient/$match</c> (patient-operation-match.html; IHE PDQm ITI-119): the golden records
/// that may be the person described by the input Patient, scored by the same rules as matching on
/// write, best first. Only golden records are returned: they are the registry's answer to "who is
/// this", and each links to its sources.
/// </summary>
internal sealed class MatchOperation(
    FhirDbContext db,
    PatientMatchRules rules,
    GoldenCandidates candidates,
    MatchEntries entries,
    IOptions<ClientRegistryOptions> options) : IFhirOperation
{
    public const string Name = "match";

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var input = OperationInput.From(request);
        var patient = OperationInput.Required(input.Resource<Patient>("resource"), "resource", "the Patient to find matches for");
        var isOnlyCertain = input.Boolean("onlyCertainMatches") ?? false;
        var count = input.NonNegativeInteger("count") ?? options.Value.MatchCount;

        var ruleSet = await rules.CurrentAsync(db, cancellationToken);
        var record = ruleSet.Matcher.Prepare(ruleSet.Extract(string.Empty, patient));
        var scored = await candidates.ScoreAsync(ruleSet, record, ruleSet.Matcher.BlockingKeys(record), new HashSet<string>(), cancellationToken);
        var graded = scored
            .Select(s => (Scored: s, Grade: MatchGrades.Of(ruleSet.Rules, s.Score.Weight)))
            .Where(g => g.Grade is not null && (!isOnlyCertain || g.Grade == MatchGrades.Certain))
            .ToList();

        var bundle = new Bundle { Type = Bundle.BundleType.Searchset };
        if (isOnlyCertain && graded.Count > 1)
        {
            // patient-operation-match.html: with onlyCertainMatches, several matches are not returned.
            bundle.Total = 0;
            bundle.Entry.Add(Outcome($"{graded.Count} golden records match with certainty; with onlyCertainMatches none is returned. Ask without it to see them graded."));
            return FhirResponse.Of(StatusCodes.Status200OK, bundle);
        }

        var matches = await entries.EntriesAsync(request.BaseUrl, ruleSet, graded.Take(count).Select(g => (g.Scored, g.Grade!)).ToList(), cancellationToken);
        bundle.Total = matches.Count;
        return new FhirResponse(StatusCodes.Status200OK) { Searchset = new Searchset(bundle, matches) };
    }

    private static Bundle.EntryComponent Outcome(string text) => new()
    {
        Resource = new OperationOutcome { Issue = [OperationOutcomes.Issue(OperationOutcome.IssueSeverity.Information, OperationOutcome.IssueType.MultipleMatches, text)] },
        Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome },
    };
}
