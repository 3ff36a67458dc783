namespace FhirMh.FhirServer.Seeding;

/// <summary>The <c>Seeding</c> section of the configuration.</summary>
internal sealed class SeedingOptions
{
    public const string SectionName = "Seeding";

    /// <summary>
    /// The folder of resources stored at start-up (the project's seeds/: PHQ-9 and GAD-7);
    /// relative paths are taken from the server's folder, where the build copies it. Empty: none.
    /// </summary>
    public string? Folder { get; set; } = "seeds";
}
