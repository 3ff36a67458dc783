using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace FhirMh.FhirServer.Validation;

/// <summary>
/// The terminology the server answers from its own content: the code systems and value sets of
/// the specification, the loaded packages and those stored through the API.
/// </summary>
internal sealed class TerminologyServices
{
    /// <summary>The terminology service bindings are checked with during validation.</summary>
    public static ICodeValidationTerminologyService ForValidation(IAsyncResourceResolver resolver) => new LocalTerminologyService(resolver);
}
