using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>A source record as survivorship sees it: its content, when it last changed, and which systems it comes from.</summary>
internal sealed record SourcePatient(string Id, Patient Patient, Instant LastUpdated)
{
    public IEnumerable<string> Systems => Patient.Identifier.Select(i => i.System).OfType<string>();
}
