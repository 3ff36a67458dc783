using FhirMh.FhirServer.Rest;

namespace FhirMh.FhirServer.Interactions.Bundles;

/// <summary>
/// Resolves a conditional reference (http.html#trules) by searching inside the open transaction:
/// exactly one match is the target; none or several is an error, as the specification requires.
/// </summary>
internal sealed class SearchConditionalReferenceResolver(ConditionalMatches conditional) : IConditionalReferenceResolver
{
    public async Task<string?> ResolveAsync(string resourceType, IReadOnlyList<KeyValuePair<string, string>> criteria, CancellationToken cancellationToken)
    {
        var matches = await conditional.FindAsync(resourceType, criteria, baseUrl: string.Empty, limit: 2, cancellationToken);
        return matches.Count switch
        {
            0 => null,
            1 => $"{resourceType}/{matches[0]}",
            _ => throw FhirException.PreconditionFailed(
                $"The conditional reference {resourceType}?{string.Join('&', criteria.Select(c => $"{c.Key}={c.Value}"))} matches more than one resource."),
        };
    }
}
