using Hl7.FhirPath;

namespace FhirMh.FhirServer.Search.Parameters;

/// <summary>
/// One component of a composite parameter (search.html#composite): the parameter whose type
/// and value rules apply, and the expression that finds its value relative to the composite's root.
/// </summary>
internal sealed record CompositeComponent(SearchParameterDefinition Definition, CompiledExpression Expression);
