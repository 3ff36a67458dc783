namespace FhirMh.FhirServer.Interactions.Bundles;

/// <summary>
/// Finds the resource that a conditional reference such as <c>Patient?identifier=http://sys|123</c>
/// in a transaction points to (http.html#trules). This is the seam where search plugs in.
/// </summary>
internal interface IConditionalReferenceResolver
{
    /// <summary>Searches <paramref name="resourceType"/> with <paramref name="criteria"/> inside the transaction.</summary>
    /// <returns><c>Type/id</c> of the single match, or null when nothing matches.</returns>
    /// <exception cref="Rest.FhirException">
    /// When the criteria are not a valid search, or match more than one resource (412, as for conditional update).
    /// </exception>
    Task<string?> ResolveAsync(string resourceType, IReadOnlyList<KeyValuePair<string, string>> criteria, CancellationToken cancellationToken);
}
