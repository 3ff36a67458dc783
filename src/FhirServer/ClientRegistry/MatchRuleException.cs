namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>Patient matching rules that cannot be used; the message names the JSON path of the problem.</summary>
internal sealed class MatchRuleException(string message) : Exception(message);
