namespace FhirMh.FhirServer.Validation;

/// <summary>The <c>Validation</c> section of the configuration.</summary>
internal sealed class ValidationOptions
{
    public const string SectionName = "Validation";

    public ValidationMode Mode { get; set; } = ValidationMode.Declared;

    /// <summary>
    /// The folder of the project's own FHIR package (<c>profiles/</c>); relative paths are taken
    /// from the server's folder, where the build copies it.
    /// </summary>
    public string Profiles { get; set; } = "profiles";

    /// <summary>
    /// A folder of further FHIR packages: <c>.tgz</c> files in the standard layout
    /// (<c>package/package.json</c> and the resources beside it), or folders of the same shape.
    /// </summary>
    public string? Packages { get; set; }

    /// <summary>
    /// With <see cref="ValidationMode.Always"/>, the profiles every resource of a type must meet,
    /// e.g. <c>"Consent": ["StructureDefinition/mh-consent"]</c>; relative URLs are under the canonical base.
    /// </summary>
    public Dictionary<string, string[]> ProfilesByType { get; set; } = new(StringComparer.Ordinal);
}
