using FhirMh.Registries.Matching;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>What matching decided for a source Patient before it is written, to be recorded once it is.</summary>
internal sealed record Registration(
    Patient Patient,
    MatchRuleSet Rules,
    MatchRecord Record,
    IReadOnlyList<string> Keys,
    string GoldenId,
    string Method,
    double? Score,
    IReadOnlyList<GoldenScore> Potentials,
    string? PreviousGoldenId);
