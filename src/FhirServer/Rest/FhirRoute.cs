using FhirMh.FhirServer.Interactions;

namespace FhirMh.FhirServer.Rest;

/// <summary>One HTTP route of the FHIR REST API and the interaction it carries.</summary>
internal sealed record FhirRoute(string Method, string Pattern, FhirInteraction Interaction, string Summary);
