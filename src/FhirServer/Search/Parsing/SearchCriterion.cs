using FhirMh.FhirServer.Search.Parameters;

namespace FhirMh.FhirServer.Search.Parsing;

/// <summary>One node of a parsed search: all criteria of a search must hold (a repeated parameter is AND).</summary>
internal abstract record SearchCriterion;

/// <summary>
/// A parameter with its modifier and values; any value may match (a comma is OR,
/// search.html#combining). <see cref="Modifier"/> is null when none was given.
/// </summary>
internal sealed record ValueCriterion(SearchParameterDefinition Parameter, string? Modifier, IReadOnlyList<SearchValue> Values) : SearchCriterion;

/// <summary>
/// A chained parameter (search.html#chaining): the reference must point to a resource of one of
/// the target types that matches the inner criterion of that type.
/// </summary>
internal sealed record ChainCriterion(SearchParameterDefinition Reference, IReadOnlyList<(string TargetType, SearchCriterion Inner)> Targets) : SearchCriterion;

/// <summary>
/// Reverse chaining (search.html#has): some resource of <see cref="SourceType"/> refers to this
/// one through <see cref="Reference"/> and matches <see cref="Inner"/>.
/// </summary>
internal sealed record HasCriterion(string SourceType, SearchParameterDefinition Reference, SearchCriterion Inner) : SearchCriterion;

/// <summary>Membership in a compartment (compartmentdefinition.html): a reference through any of the parameters to the compartment's resource.</summary>
internal sealed record CompartmentCriterion(string CompartmentType, string CompartmentId, IReadOnlyList<string> Parameters) : SearchCriterion;
