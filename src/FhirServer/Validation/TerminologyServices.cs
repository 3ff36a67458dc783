using Hl7.Fhir.Specification.Terminology;

namespace FhirMh.FhirServer.Validation;

/// <summary>
/// The terminology the server answers from its own content: the code systems and value sets of
/// the specification, the loaded packages and those stored through the API.
/// </summary>
internal sealed class TerminologyServices
{
    public TerminologyServices(ConformanceResolver resolver)
    {
        Local = new LocalTerminologyService(resolver);
        ForValidation = new ExternalCodeSystemTerminologyService(Local, resolver);
    }

    /// <summary>
    /// The SDK's service over <see cref="ConformanceResolver"/>. It writes the expansion into the
    /// ValueSet it resolved, which may be shared: copy what it returns before changing it.
    /// </summary>
    public ITerminologyService Local { get; }

    /// <summary>
    /// The service bindings are checked with, during validation and by <c>$validate-code</c>:
    /// codes of code systems the server holds no content of are checked for syntax only.
    /// </summary>
    public ICodeValidationTerminologyService ForValidation { get; }
}
