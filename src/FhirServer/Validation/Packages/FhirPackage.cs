using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Validation.Packages;

/// <summary>
/// A FHIR package as loaded: its manifest's name, version and canonical, and the conformance
/// resources it carries (https://confluence.hl7.org/display/FHIR/NPM+Package+Specification).
/// </summary>
internal sealed record FhirPackage(string Name, string Version, string? Canonical, string Source, IReadOnlyList<Resource> Resources)
{
    public string Id => $"{Name}#{Version}";
}
