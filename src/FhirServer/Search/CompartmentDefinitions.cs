using System.Collections.Frozen;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search.Parsing;
using FhirMh.FhirServer.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;

namespace FhirMh.FhirServer.Search;

/// <summary>
/// The R4 CompartmentDefinitions (Patient, Encounter, RelatedPerson, Practitioner, Device), read
/// from the specification the SDK ships, on first use. A resource is in a compartment when one
/// of the listed parameters refers to the compartment's resource (compartmentdefinition.html).
/// </summary>
internal sealed class CompartmentDefinitions
{
    private static readonly string[] Compartments = ["Patient", "Encounter", "RelatedPerson", "Practitioner", "Device"];

    private readonly Lazy<FrozenDictionary<string, FrozenDictionary<string, string[]>>> _definitions;

    public CompartmentDefinitions(SpecificationSource specification) =>
        _definitions = new(() => Load(specification.Resolver));

    public static bool IsCompartment(string type) => Compartments.Contains(type);

    /// <summary>The parameters of <paramref name="resourceType"/> that put it in the compartment; empty when it cannot be in it.</summary>
    public IReadOnlyList<string> ParametersOf(string compartmentType, string resourceType) =>
        _definitions.Value.TryGetValue(compartmentType, out var byType) && byType.TryGetValue(resourceType, out var parameters) ? parameters : [];

    public CompartmentCriterion Criterion(string compartmentType, string id, string resourceType)
    {
        var parameters = ParametersOf(compartmentType, resourceType);
        if (parameters.Count == 0)
        {
            throw FhirException.NotFound($"{resourceType} is not in the {compartmentType} compartment (http://hl7.org/fhir/R4/compartmentdefinition-{compartmentType.ToLowerInvariant()}.html).");
        }

        return new CompartmentCriterion(compartmentType, id, parameters);
    }

    private static FrozenDictionary<string, FrozenDictionary<string, string[]>> Load(CachedResolver source)
    {
        var result = new Dictionary<string, FrozenDictionary<string, string[]>>();
        foreach (var compartment in Compartments)
        {
            var url = $"http://hl7.org/fhir/CompartmentDefinition/{char.ToLowerInvariant(compartment[0])}{compartment[1..]}";
            if (Hl7.Fhir.Utility.TaskHelper.Await(() => source.TryResolveByCanonicalUriAsync(url)).Value is not CompartmentDefinition definition)
            {
                throw new InvalidOperationException($"The specification has no {url}.");
            }

            result[compartment] = definition.Resource
                .Where(r => r.Code is not null && r.Param.Any())
                .ToFrozenDictionary(r => r.Code!.Value.ToString(), r => r.Param.Where(p => p is not null and not "{def}").Select(p => p!).ToArray());
        }

        return result.ToFrozenDictionary();
    }
}
