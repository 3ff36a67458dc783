using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Rest;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

namespace FhirMh.FhirServer.Operations.Terminology;

/// <summary>
/// <c>CodeSystem/$subsumes</c> and <c>CodeSystem/[id]/$subsumes</c>
/// (codesystem-operation-subsumes.html): how code A relates to code B (<c>codeA</c>/<c>codeB</c>
/// with <c>system</c> [+ <c>version</c>], or <c>codingA</c>/<c>codingB</c>) in the code system's
/// is-a hierarchy: equivalent, subsumes (A is an ancestor of B), subsumed-by, or not-subsumed.
/// The SDK's local service has no subsumption.
/// </summary>
internal sealed class SubsumesOperation(TerminologyTargets targets) : IFhirOperation
{
    public const string Name = "subsumes";

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var input = OperationInput.From(request);
        var a = CodeInput.Read(input, "codeA", "codingA");
        var b = CodeInput.Read(input, "codeB", "codingB");
        var system = input.String("system");
        foreach (var coding in new[] { a, b }.Where(c => c.System is not null))
        {
            if (system is not null && coding.System != system)
            {
                throw FhirException.BadRequest($"The parameter '{coding.Parameter}' is from {coding.System}, not {system}: subsumption is tested within one code system.", coding.Parameter);
            }

            system = coding.System;
        }

        var codeSystem = await targets.CodeSystemAsync(request, system, input.String("version"), "system", cancellationToken);
        if (codeSystem.HierarchyMeaning is { } meaning and not CodeSystem.CodeSystemHierarchyMeaning.IsA)
        {
            // Subsumption is an is-a relation; grouped-by and part-of hierarchies are not one (codesystem.html#hierarchyMeaning).
            throw FhirException.Of(
                StatusCodes.Status422UnprocessableEntity,
                OperationOutcome.IssueType.NotSupported,
                $"The hierarchy of {codeSystem.Url} means {meaning.GetLiteral()}, not is-a, so it says nothing about subsumption.");
        }

        var concepts = CodeSystemConcepts.Of(codeSystem);
        var codeA = concepts.Find(a.Code)?.Code ?? throw LookupOperation.NotInSystem(codeSystem, a);
        var codeB = concepts.Find(b.Code)?.Code ?? throw LookupOperation.NotInSystem(codeSystem, b);
        var outcome = concepts.Comparer.Equals(codeA, codeB) ? "equivalent"
            : concepts.IsAncestor(codeA, codeB) ? "subsumes"
            : concepts.IsAncestor(codeB, codeA) ? "subsumed-by"
            : "not-subsumed";
        return FhirResponse.Of(StatusCodes.Status200OK, new Parameters().Add("outcome", new Code(outcome)));
    }
}
