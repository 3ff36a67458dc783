using FhirMh.Registries.Matching;

namespace FhirMh.Registries.ProviderRegistry;

/// <summary>
/// The duplicate-detection rules shipped for the provider directory, one set per resource type,
/// read from embedded JSON. Nothing is merged on them: pairs at or above the lower threshold are
/// listed for staff.
/// </summary>
public static class DirectoryRules
{
    private static readonly Dictionary<string, string> Resources = new(StringComparer.Ordinal)
    {
        ["Practitioner"] = "FhirMh.Registries.ProviderRegistry.practitioner-match-rules.json",
        ["Organization"] = "FhirMh.Registries.ProviderRegistry.organization-match-rules.json",
    };

    /// <summary>The resource types that have rules.</summary>
    public static IReadOnlyCollection<string> Types => Resources.Keys;

    /// <summary>
    /// The JSON text of the rules for <paramref name="resourceType"/>: for Practitioner names
    /// (transposable), phone, email, postcode, address line, birth date and qualification; for
    /// Organization name and alias, phone, email, postcode, address line, city and type.
    /// </summary>
    /// <exception cref="ArgumentException">The type has no rules.</exception>
    public static string Json(string resourceType)
    {
        if (!Resources.TryGetValue(resourceType, out var name))
        {
            throw new ArgumentException($"{resourceType} has no duplicate rules.", nameof(resourceType));
        }

        using var stream = typeof(DirectoryRules).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The parsed rules for <paramref name="resourceType"/>.</summary>
    public static MatchRules For(string resourceType) => MatchRules.Parse(Json(resourceType));
}
