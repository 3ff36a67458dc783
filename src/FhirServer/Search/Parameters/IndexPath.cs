using Hl7.FhirPath;

namespace FhirMh.FhirServer.Search.Parameters;

/// <summary>
/// One branch of a search parameter's FHIRPath expression, compiled. <see cref="TargetType"/>
/// keeps what a stripped <c>.where(resolve() is Patient)</c> asked for: only references to that
/// type are indexed under the parameter.
/// </summary>
internal sealed record IndexPath(string Source, CompiledExpression Expression, string? TargetType);
