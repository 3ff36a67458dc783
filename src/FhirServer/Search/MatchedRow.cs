namespace FhirMh.FhirServer.Search;

/// <summary>A resource a search found, with its stored JSON.</summary>
internal sealed record MatchedRow(long RowId, string ResourceType, string ResourceId, string Json);
