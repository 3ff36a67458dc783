using FhirMh.FhirServer.ClientRegistry;
using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Operations.IhePix;

/// <summary>
/// <c>Patient/$ihe-pix</c>, IHE PIXm ITI-83 (Mobile Patient Identifier Cross-reference Query):
/// given one system's identifier of a person, the identifiers every other linked source system
/// holds for them, and those source Patients. A source identifier system the registry does not
/// know is a 400, an identifier nobody registered in a known system a 404, and a target system the
/// registry does not know a 403, as ITI-83 asks (PIXm 3.0, 2:3.83.4.1.3).
/// </summary>
internal sealed class IhePixOperation(
    FhirDbContext db,
    ConditionalMatches conditional,
    RegistryRecords records,
    ResourceStore store,
    FhirSerializers serializers,
    Security.AccessChecks access) : IFhirOperation
{
    public const string Name = "ihe-pix";

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var input = OperationInput.From(request);
        var sourceIdentifier = OperationInput.Required(input.String("sourceIdentifier"), "sourceIdentifier", "the identifier (system|value) to cross-reference");
        var separator = sourceIdentifier.IndexOf('|', StringComparison.Ordinal);
        if (separator <= 0 || separator == sourceIdentifier.Length - 1)
        {
            throw FhirException.BadRequest($"sourceIdentifier '{sourceIdentifier}' must be system|value, with both parts (PIXm ITI-83).", "sourceIdentifier");
        }

        var (system, value) = (sourceIdentifier[..separator], sourceIdentifier[(separator + 1)..]);
        var targetSystems = input.Strings("targetSystem");
        if (!await IsKnownSystemAsync(system, cancellationToken))
        {
            throw FhirException.Of(
                StatusCodes.Status400BadRequest,
                OperationOutcome.IssueType.CodeInvalid,
                $"The system of sourceIdentifier, '{system}', is not an identifier system of any Patient this registry holds (PIXm ITI-83: source domain not recognised).",
                "sourceIdentifier");
        }

        foreach (var target in targetSystems)
        {
            if (!await IsKnownSystemAsync(target, cancellationToken))
            {
                throw FhirException.Of(
                    StatusCodes.Status403Forbidden,
                    OperationOutcome.IssueType.CodeInvalid,
                    $"targetSystem '{target}' is not an identifier system of any Patient this registry holds (PIXm ITI-83: target domain not recognised).",
                    "targetSystem");
            }
        }

        var sources = await conditional.FindAsync("Patient", [new("identifier", sourceIdentifier)], request.BaseUrl, 10, cancellationToken);
        var linked = sources.Count == 0 ? [] : await records.FindAllAsync(sources, cancellationToken);
        if (linked.Count == 0)
        {
            throw FhirException.NotFound($"sourceIdentifier '{sourceIdentifier}' is not the identifier of any source Patient in this registry (PIXm ITI-83).");
        }

        var result = new Parameters();
        var members = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var goldenId in linked.Select(l => l.GoldenId).Distinct())
        {
            members.UnionWith((await records.SourcesOfAsync(goldenId, cancellationToken)).Select(r => r.SourceId));
        }

        // A linked source the caller may not see (its patient's consent) gives away none of its identifiers.
        var hidden = await access.HiddenAsync(members.Select(m => ("Patient", m)), cancellationToken);
        foreach (var memberId in members.Where(m => !hidden.Contains("Patient/" + m)))
        {
            if (await StoredResources.ReadLiveAsync<Patient>(store, serializers, memberId, cancellationToken) is not { } member)
            {
                continue;
            }

            var identifiers = member.Identifier
                .Where(i => i.Value is not null && !(i.System == system && i.Value == value))
                .Where(i => targetSystems.Count == 0 || targetSystems.Contains(i.System))
                .ToList();
            foreach (var identifier in identifiers)
            {
                result.Add("targetIdentifier", (Identifier)identifier.DeepCopy());
            }

            if (identifiers.Count > 0 || (targetSystems.Count == 0 && !sources.Contains(memberId)))
            {
                result.Add("targetId", new ResourceReference($"{request.BaseUrl}/Patient/{memberId}"));
            }
        }

        return FhirResponse.Of(StatusCodes.Status200OK, result);
    }

    private Task<bool> IsKnownSystemAsync(string system, CancellationToken cancellationToken) =>
        db.TokenIndex.AnyAsync(t => t.ResourceType == "Patient" && t.Param == "identifier" && t.System == system, cancellationToken);
}
