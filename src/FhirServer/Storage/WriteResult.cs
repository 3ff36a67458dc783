namespace FhirMh.FhirServer.Storage;

/// <summary>The version a write left current, and whether the write brought the resource (back) into existence.</summary>
internal sealed record WriteResult(StoredVersion? Version, bool IsCreated);
