using FhirMh.FhirServer.Rest;

namespace FhirMh.FhirServer.Interactions.Bundles;

/// <summary>
/// What answers conditional references while the server has no search: every one is a 400 that
/// says so. Search registers its own <see cref="IConditionalReferenceResolver"/> in place of this.
/// </summary>
internal sealed class SearchlessConditionalReferenceResolver : IConditionalReferenceResolver
{
    public Task<string?> ResolveAsync(string resourceType, IReadOnlyList<KeyValuePair<string, string>> criteria, CancellationToken cancellationToken) =>
        throw FhirException.BadRequest(
            $"Conditional references ({resourceType}?{string.Join('&', criteria.Select(c => $"{c.Key}={c.Value}"))}) need search, which this server does not support yet.");
}
