using FhirMh.FhirServer.Rest;

namespace FhirMh.FhirServer.Operations.Terminology;

/// <summary>
/// A code given to a code system operation either as a <c>code</c> parameter (its system in
/// <c>system</c>, or the code system invoked on) or as a <c>coding</c> parameter, e.g. codeA or
/// codingA of <c>$subsumes</c> (codesystem-operation-subsumes.html). <see cref="System"/> is the
/// coding's, null for a plain code; <see cref="Parameter"/> names the parameter it came in, for
/// the expression of an error about it.
/// </summary>
internal sealed record CodeInput(string Code, string? System, string? Display, string Parameter)
{
    /// <exception cref="FhirException">400 naming the parameter when neither is given, or the coding has no code.</exception>
    public static CodeInput Read(OperationInput input, string codeParameter, string codingParameter)
    {
        if (input.String(codeParameter) is { } code)
        {
            return new CodeInput(code, null, null, codeParameter);
        }

        if (input.Coding(codingParameter) is { } coding)
        {
            return coding.Code is { Length: > 0 } coded
                ? new CodeInput(coded, coding.System, coding.Display, codingParameter)
                : throw FhirException.BadRequest($"The parameter '{codingParameter}' has no code.", codingParameter);
        }

        throw FhirException.BadRequest($"One of the parameters '{codeParameter}' or '{codingParameter}' is required.", codeParameter);
    }
}
