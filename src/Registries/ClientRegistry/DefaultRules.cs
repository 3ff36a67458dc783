using FhirMh.Registries.Matching;

namespace FhirMh.Registries.ClientRegistry;

/// <summary>The match rules shipped with FhirMh, read from embedded JSON.</summary>
public static class DefaultRules
{
    private const string PatientResource = "FhirMh.Registries.ClientRegistry.patient-match-rules.json";

    private static readonly Lazy<string> PatientJsonText = new(() => Read(PatientResource));
    private static readonly Lazy<MatchRules> PatientRules = new(() => MatchRules.Parse(PatientJsonText.Value));

    /// <summary>
    /// The default rules for FHIR Patient (version "1"): family and given names (transposable,
    /// family frequency-adjusted), birth date, gender, phone, postcode, city, state, address line
    /// and identifiers, with hand-set m and u, seven blocking passes and a block size cap of 100.
    /// </summary>
    public static MatchRules Patient => PatientRules.Value;

    /// <summary>The JSON text of <see cref="Patient"/>, as a starting point for a site's own rules.</summary>
    public static string PatientJson => PatientJsonText.Value;

    private static string Read(string name)
    {
        using var stream = typeof(DefaultRules).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
