using FhirMh.FhirServer.Interactions;

namespace FhirMh.FhirServer.Operations;

/// <summary>The code that carries out one operation of <see cref="FhirOperations"/> (operations.html).</summary>
internal interface IFhirOperation
{
    Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken);
}
