namespace FhirMh.FhirServer.Storage;

/// <summary>A resource version as read from storage, with its JSON still unparsed.</summary>
internal sealed record StoredVersion(
    long RowId,
    string ResourceType,
    string ResourceId,
    int VersionId,
    Instant LastUpdated,
    bool IsDeleted,
    string Method,
    int Status,
    string? Json)
{
    /// <summary>The weak ETag of this version, as FHIR uses it (http.html#versioning).</summary>
    public string ETag => $"W/\"{VersionId}\"";

    /// <summary>The version's relative URL, e.g. <c>Patient/1/_history/2</c>, as Location carries it.</summary>
    public string VersionPath => $"{ResourceType}/{ResourceId}/_history/{VersionId}";
}
