using FhirMh.FhirServer.Rest;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Validation;

/// <summary>
/// Validation on every write path (create, update, patch, their conditional forms, and every
/// entry of a batch or transaction): errors refuse the write with 422 and every issue; warnings
/// and information travel with the written version to a client that asks for an outcome.
/// </summary>
internal sealed class WriteValidation(ProfileValidator validator, StoredConformanceResolver stored, CanonicalBase canonicalBase, IOptions<ValidationOptions> options)
{
    private static readonly HashSet<string> ConformanceTypes = ["StructureDefinition", "ValueSet", "CodeSystem", "ConceptMap", "NamingSystem", "Questionnaire"];

    /// <summary>Validates a resource about to be written.</summary>
    /// <returns>The issues that do not block the write (warnings, information).</returns>
    /// <exception cref="FhirException">422 with every issue when any is an error.</exception>
    public IReadOnlyList<OperationOutcome.IssueComponent> Check(Resource resource)
    {
        if (ConformanceTypes.Contains(resource.TypeName))
        {
            stored.Forget();
        }

        var settings = options.Value;
        if (settings.Mode == ValidationMode.Off)
        {
            return [];
        }

        var outcome = validator.Validate(resource, RequiredProfiles(resource.TypeName));
        if (outcome.Issue.Any(IsError))
        {
            throw FhirException.WithOutcome(StatusCodes.Status422UnprocessableEntity, outcome);
        }

        return outcome.Issue;
    }

    /// <summary>The profiles every resource of the type must meet, with <c>Validation:Mode</c> = always.</summary>
    public IReadOnlyCollection<string> RequiredProfiles(string resourceType) =>
        options.Value.Mode == ValidationMode.Always ? ConfiguredProfiles(resourceType) : [];

    /// <summary>
    /// The profiles <c>Validation:ProfilesByType</c> names for the type, whatever the mode; a
    /// relative one (<c>StructureDefinition/mh-consent</c>) is under the canonical base.
    /// </summary>
    public IReadOnlyCollection<string> ConfiguredProfiles(string resourceType) =>
        options.Value.ProfilesByType.TryGetValue(resourceType, out var profiles)
            ? profiles.Select(p => Uri.IsWellFormedUriString(p, UriKind.Absolute) ? p : canonicalBase.Of(p)).ToList()
            : [];

    public static bool IsError(OperationOutcome.IssueComponent issue) =>
        issue.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal;
}
