using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace FhirMh.FhirServer.Operations.Terminology;

/// <summary>
/// <c>ValueSet/$validate-code</c> and <c>ValueSet/[id]/$validate-code</c>
/// (valueset-operation-validate-code.html): whether a code (<c>code</c> + <c>system</c>
/// [+ <c>display</c>]), a <c>coding</c> or a <c>codeableConcept</c> is in the value set. It is
/// answered by the service bindings are validated with, so it predicts what a write will be told:
/// a code of LOINC or SNOMED CT, which the server holds no content of, is checked for syntax only
/// where the value set draws on the whole code system, and the message says so.
/// </summary>
internal sealed class ValueSetValidateCodeOperation(TerminologyTargets targets, TerminologyServices terminology) : IFhirOperation
{
    public const string Name = "validate-code";

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var input = OperationInput.From(request);
        var query = CodedInput(input);
        var valueSet = await targets.ValueSetAsync(request, input, cancellationToken);
        query.Parameter.Insert(0, new Parameters.ParameterComponent { Name = "valueSet", Resource = valueSet });

        Parameters answer;
        try
        {
            answer = await terminology.ForValidation.ValueSetValidateCode(query);
        }
        catch (FhirOperationException e)
        {
            throw TerminologyFailure.Of(e, $"Codes cannot be validated against the value set {valueSet.Url}");
        }

        return FhirResponse.Of(StatusCodes.Status200OK, Outputs(answer));
    }

    /// <summary>The coded value to validate, as the SDK takes it.</summary>
    /// <exception cref="FhirException">400 naming the parameter that is missing.</exception>
    private static Parameters CodedInput(OperationInput input)
    {
        var query = new Parameters();
        if (input.String("code") is { } code)
        {
            var system = OperationInput.Required(input.String("system"), "system", "a code is validated together with its system");
            query.Add("code", new Code(code)).Add("system", new FhirUri(system));
            if (input.String("systemVersion") is { } version)
            {
                query.Add("systemVersion", new FhirString(version));
            }

            if (input.String("display") is { } display)
            {
                query.Add("display", new FhirString(display));
            }
        }
        else if (input.Coding("coding") is { } coding)
        {
            query.Add("coding", coding);
        }
        else if (input.CodeableConcept("codeableConcept") is { } concept)
        {
            query.Add("codeableConcept", concept);
        }
        else
        {
            throw FhirException.BadRequest("One of the parameters 'code' (with 'system'), 'coding' or 'codeableConcept' is required.", "code");
        }

        if (input.Boolean("abstract") is { } isAbstract)
        {
            query.Add("abstract", new FhirBoolean(isAbstract));
        }

        return query;
    }

    /// <summary>The outputs R4 defines: result, message and display; the SDK adds some of later versions.</summary>
    private static Parameters Outputs(Parameters answer)
    {
        var outputs = new Parameters();
        outputs.Parameter.AddRange(answer.Parameter.Where(p => p.Name is "result" or "message" or "display"));
        return outputs;
    }
}
