using FhirMh.FhirServer.Rest;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace FhirMh.FhirServer.Operations.Terminology;

/// <summary>
/// What the SDK's terminology service refused, as the client is told it. The SDK answers 422 when
/// a value set draws on a code system whose content the server does not hold (all of LOINC, a
/// filter on SNOMED CT): that is an operation the server does not support for it
/// (valueset-operation-expand.html: "not-supported" or "too-costly").
/// </summary>
internal static class TerminologyFailure
{
    public static FhirException Of(FhirOperationException exception, string subject) => exception.Status switch
    {
        System.Net.HttpStatusCode.BadRequest => FhirException.BadRequest($"{subject}: {exception.Message}"),
        System.Net.HttpStatusCode.NotFound => FhirException.NotFound($"{subject}: {exception.Message}"),
        _ => FhirException.Of(
            StatusCodes.Status422UnprocessableEntity,
            OperationOutcome.IssueType.NotSupported,
            $"{subject}: {exception.Message} This server holds the code systems of the FHIR specification, its loaded packages and those stored through the API, not LOINC or SNOMED CT."),
    };
}
