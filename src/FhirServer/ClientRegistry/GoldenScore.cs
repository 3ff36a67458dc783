using FhirMh.Registries.Matching;

namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>How well a record matches a golden record: its best score against one of the golden record's sources.</summary>
internal sealed record GoldenScore(string GoldenId, string SourceId, MatchScore Score);
