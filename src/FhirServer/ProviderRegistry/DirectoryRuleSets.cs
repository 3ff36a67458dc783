using FhirMh.FhirServer.ClientRegistry;
using FhirMh.Registries.ProviderRegistry;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.ProviderRegistry;

/// <summary>
/// The duplicate rules of Practitioner and Organization, parsed and compiled once: from the file
/// <c>ProviderRegistry:RulesFiles:[type]</c> names, or the built-in rules. A rule change applies
/// to records written after the restart; records already stored keep their pairs until rewritten.
/// </summary>
internal sealed class DirectoryRuleSets(IOptions<ProviderRegistryOptions> options)
{
    private readonly Lazy<Dictionary<string, MatchRuleSet>> _byType = new(() => DirectoryRules.Types.ToDictionary(
        type => type,
        type =>
        {
            var file = options.Value.RulesFiles.GetValueOrDefault(type);
            try
            {
                return MatchRuleSet.Parse(file is { Length: > 0 } ? File.ReadAllText(file) : DirectoryRules.Json(type));
            }
            catch (MatchRuleException e)
            {
                throw new InvalidOperationException($"The {type} duplicate rules{(file is null ? string.Empty : $" in {file}")} are not usable: {e.Message}", e);
            }
        },
        StringComparer.Ordinal));

    public MatchRuleSet For(string resourceType) => _byType.Value[resourceType];
}
