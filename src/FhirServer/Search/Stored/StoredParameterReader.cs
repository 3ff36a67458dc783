using System.Text.RegularExpressions;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search.Parameters;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Search.Stored;

/// <summary>
/// Turns a SearchParameter resource (searchparameter.html) into the parameters it defines. Only
/// an active one defines any (a draft is work in progress, a retired one is withdrawn). Its
/// expression is compiled for each base type as the built-in expressions are.
/// </summary>
internal static partial class StoredParameterReader
{
    /// <returns>The parameter, or null when the resource is not active.</returns>
    /// <exception cref="FhirException">400 when an active SearchParameter cannot be used: no code,
    /// no base, a base that is not a resource type, or an expression that does not compile.</exception>
    public static StoredParameter? Read(SearchParameter resource, string id, int versionId)
    {
        if (resource.Status != PublicationStatus.Active)
        {
            return null;
        }

        var code = resource.Code;
        if (code is null || !CodePattern().IsMatch(code))
        {
            // Codes starting with _ are those of every resource (search.html#all) and of the search framework.
            throw FhirException.BadRequest(
                $"An active SearchParameter needs a code of letters, digits, '-' and '.', starting with a letter (at most 64), not '{code}'.",
                "SearchParameter.code");
        }

        if (resource.Type is not { } type)
        {
            throw FhirException.BadRequest("An active SearchParameter needs a type.", "SearchParameter.type");
        }

        var bases = resource.Base.Select(b => b?.ToString()).ToList();
        if (bases.Count == 0)
        {
            throw FhirException.BadRequest("An active SearchParameter needs at least one base resource type.", "SearchParameter.base");
        }

        foreach (var baseType in bases)
        {
            if (baseType is null || !ModelInfo.IsKnownResource(baseType) || baseType is "Resource" or "DomainResource")
            {
                throw FhirException.Of(
                    StatusCodes.Status400BadRequest,
                    OperationOutcome.IssueType.NotSupported,
                    $"'{baseType}' is not a concrete resource type; this server takes SearchParameters on concrete types only.",
                    "SearchParameter.base");
            }
        }

        var targets = resource.Target.Select(t => t?.ToString()).OfType<string>().ToArray();
        var definitions = new List<SearchParameterDefinition>();
        foreach (var baseType in bases.OfType<string>().Distinct(StringComparer.Ordinal))
        {
            // Composite and special parameters are kept but not indexed: a search on them is
            // answered as for the built-in ones, "not supported by this server".
            var paths = type is SearchParamType.Composite or SearchParamType.Special ? [] : Compile(baseType, resource.Expression);
            definitions.Add(new SearchParameterDefinition(baseType, code, type, resource.Url, targets, paths));
        }

        return new StoredParameter(id, versionId, code, resource.Url, type, definitions);
    }

    private static List<IndexPath> Compile(string baseType, string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw FhirException.BadRequest(
                "An active SearchParameter needs an expression: the server indexes the values it selects.", "SearchParameter.expression");
        }

        List<IndexPath> paths;
        try
        {
            paths = SearchParameterRegistry.CompileBranches(baseType, expression);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            throw FhirException.BadRequest($"The expression '{expression}' is not valid FHIRPath: {e.Message}", "SearchParameter.expression");
        }

        return paths.Count > 0
            ? paths
            : throw FhirException.BadRequest(
                $"The expression '{expression}' has no branch that starts at {baseType} (e.g. '{baseType}.extension(...)').",
                "SearchParameter.expression");
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9\\-\\.]{0,63}$")]
    private static partial Regex CodePattern();
}
