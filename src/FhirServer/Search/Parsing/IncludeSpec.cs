namespace FhirMh.FhirServer.Search.Parsing;

/// <summary>
/// One <c>_include</c> or <c>_revinclude</c> (search.html#include): <c>SourceType:param[:TargetType]</c>,
/// or <c>*</c> for every reference parameter; <see cref="IsIterate"/> for <c>:iterate</c>.
/// </summary>
internal sealed record IncludeSpec(string SourceType, string? Parameter, string? TargetType, bool IsIterate, string Text);
