namespace FhirMh.FhirServer.ProviderRegistry;

/// <summary>The <c>ProviderRegistry</c> settings (README, Configuration).</summary>
internal sealed class ProviderRegistryOptions
{
    public const string SectionName = "ProviderRegistry";

    /// <summary>When false, directory resources are stored as they come: no identifier uniqueness, reference or duplicate checks.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Duplicate rule files (JSON, the client registry's format) by resource type, Practitioner and Organization; the built-in rules when absent.</summary>
    public Dictionary<string, string> RulesFiles { get; set; } = new(StringComparer.Ordinal);
}
