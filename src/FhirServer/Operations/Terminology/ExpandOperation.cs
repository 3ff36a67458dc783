using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace FhirMh.FhirServer.Operations.Terminology;

/// <summary>
/// <c>ValueSet/$expand</c> and <c>ValueSet/[id]/$expand</c> (valueset-operation-expand.html):
/// the value set named by <c>url</c> [+ <c>valueSetVersion</c>], given as <c>valueSet</c>, or
/// stored under the id, expanded by the SDK's expander over the server's own code systems, then
/// filtered and paged by <see cref="ExpansionPage"/>. One that draws on a code system the server
/// holds no content of (all of LOINC) cannot be expanded: 422.
/// </summary>
internal sealed class ExpandOperation(TerminologyTargets targets, TerminologyServices terminology) : IFhirOperation
{
    public const string Name = "expand";

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var input = OperationInput.From(request);
        var page = ExpansionPage.From(input);
        var valueSet = await targets.ValueSetAsync(request, input, cancellationToken);
        ValueSet expanded;
        try
        {
            // Given a copy, the expander writes the expansion into that copy and returns it.
            expanded = (ValueSet)await terminology.Local.Expand(new Parameters().Add("valueSet", valueSet));
        }
        catch (FhirOperationException e)
        {
            throw TerminologyFailure.Of(e, $"The value set {valueSet.Url} cannot be expanded");
        }

        page.Apply(expanded.Expansion ??= new ValueSet.ExpansionComponent());
        return FhirResponse.Of(StatusCodes.Status200OK, expanded);
    }
}
