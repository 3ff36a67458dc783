namespace FhirMh.FhirServer.Questionnaires;

/// <summary>The root of instrument-rules.json.</summary>
internal sealed record InstrumentRuleSet(IReadOnlyList<InstrumentRule> Instruments);
