using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Rest;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Operations.Terminology;

/// <summary>
/// <c>CodeSystem/$validate-code</c> and <c>CodeSystem/[id]/$validate-code</c>
/// (codesystem-operation-validate-code.html): whether a code (<c>code</c> with <c>url</c>
/// [+ <c>version</c>] and [<c>display</c>]), a <c>coding</c> or a <c>codeableConcept</c> is in the
/// code system. A wrong display does not make the code invalid; the message names the right
/// one, as the SDK's ValueSet validation does.
/// </summary>
internal sealed class CodeSystemValidateCodeOperation(TerminologyTargets targets) : IFhirOperation
{
    public const string Name = "validate-code";

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var input = OperationInput.From(request);
        var codings = Codings(input);
        var system = input.String("url") ?? codings.Select(c => c.System).FirstOrDefault(s => s is not null);
        var codeSystem = request.Id is null && input.Resource<CodeSystem>("codeSystem") is { } given
            ? given
            : await targets.CodeSystemAsync(request, system, input.String("version"), "url", cancellationToken);
        var concepts = CodeSystemConcepts.Of(codeSystem);

        var result = new Parameters();
        var messages = new List<string>();
        foreach (var coding in codings)
        {
            if (coding.System is { } other && other != codeSystem.Url)
            {
                messages.Add($"'{coding.Code}' is from {other}, not {codeSystem.Url}.");
                continue;
            }

            if (coding.Code is null || concepts.Find(coding.Code) is not { } concept)
            {
                messages.Add($"The code '{coding.Code}' is not in the code system {codeSystem.Url}.");
                continue;
            }

            result.Add("result", new FhirBoolean(true));
            if (coding.Display is { } display && concept.Display is { } expected && !IsDisplayOf(concept, display))
            {
                result.Add("message", new FhirString($"The display of '{concept.Code}' is '{expected}', not '{display}'."));
            }

            if (concept.Display is { } shown)
            {
                result.Add("display", new FhirString(shown));
            }

            return FhirResponse.Of(StatusCodes.Status200OK, result);
        }

        result.Add("result", new FhirBoolean(false));
        result.Add("message", new FhirString(string.Join(" ", messages)));
        return FhirResponse.Of(StatusCodes.Status200OK, result);
    }

    /// <summary>The codings to check, each with the system it names (null: the code system's own).</summary>
    /// <exception cref="FhirException">400 naming the parameter that is missing.</exception>
    private static List<Coding> Codings(OperationInput input)
    {
        if (input.String("code") is { } code)
        {
            return [new Coding(null, code, input.String("display"))];
        }

        if (input.Coding("coding") is { } coding)
        {
            return [coding];
        }

        if (input.CodeableConcept("codeableConcept") is { } concept && concept.Coding.Count > 0)
        {
            return concept.Coding;
        }

        throw FhirException.BadRequest("One of the parameters 'code', 'coding' or 'codeableConcept' is required.", "code");
    }

    private static bool IsDisplayOf(CodeSystem.ConceptDefinitionComponent concept, string display) =>
        string.Equals(concept.Display, display, StringComparison.OrdinalIgnoreCase)
        || concept.Designation.Any(d => string.Equals(d.Value, display, StringComparison.OrdinalIgnoreCase));
}
