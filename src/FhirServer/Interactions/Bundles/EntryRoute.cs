using FhirMh.FhirServer.Rest;

namespace FhirMh.FhirServer.Interactions.Bundles;

/// <summary>
/// The route of <see cref="FhirRoutes"/> that a Bundle entry's method and path address, so that
/// entries reach exactly the interactions single requests do, and nothing the CapabilityStatement
/// does not claim.
/// </summary>
internal sealed record EntryRoute(FhirInteraction Interaction, string? ResourceType, string? Id, string? VersionId, string? CompartmentType)
{
    /// <summary>
    /// The route for <paramref name="method"/> and the path's (already decoded) segments, or null.
    /// Literal segments win over parameters, as in ASP.NET Core routing: <c>Patient/_history</c> is
    /// the type's history, not a read of the id <c>_history</c>.
    /// </summary>
    public static EntryRoute? Match(string method, IReadOnlyList<string> segments)
    {
        EntryRoute? best = null;
        var bestLiterals = -1;
        foreach (var route in FhirRoutes.All)
        {
            // A batch or transaction inside a batch or transaction is not an entry (http.html#transaction).
            if (route.Method != method || route.Interaction == FhirInteraction.BatchOrTransaction)
            {
                continue;
            }

            string[] parts = route.Pattern.Length == 0 ? [] : route.Pattern.Split('/');
            if (parts.Length != segments.Count)
            {
                continue;
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            var literals = 0;
            var isMatch = true;
            for (var i = 0; i < parts.Length && isMatch; i++)
            {
                if (parts[i] is ['{', .. var name, '}'])
                {
                    values[name] = segments[i];
                }
                else if (parts[i] == segments[i])
                {
                    literals++;
                }
                else
                {
                    isMatch = false;
                }
            }

            if (isMatch && literals > bestLiterals)
            {
                bestLiterals = literals;
                best = new EntryRoute(
                    route.Interaction,
                    values.GetValueOrDefault("type"),
                    values.GetValueOrDefault("id"),
                    values.GetValueOrDefault("vid"),
                    values.GetValueOrDefault("compartment"));
            }
        }

        return best;
    }
}
