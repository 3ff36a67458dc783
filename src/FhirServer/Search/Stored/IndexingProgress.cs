namespace FhirMh.FhirServer.Search.Stored;

/// <summary>How far the re-index job of a stored parameter has got, as a process last loaded it.</summary>
internal sealed record IndexingProgress(string SearchParameterId, long Processed, long? Total);
