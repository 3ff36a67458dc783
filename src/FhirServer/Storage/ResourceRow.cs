
namespace FhirMh.FhirServer.Storage;

/// <summary>
/// One version of one resource. The JSON is stored once per version and already carries
/// <c>id</c>, <c>meta.versionId</c> and <c>meta.lastUpdated</c>, so reads stream it unparsed.
/// A delete is a row too (a tombstone with <see cref="IsDeleted"/> and no JSON), which gives
/// history its DELETE entries and reads their 410 Gone.
/// </summary>
internal sealed class ResourceRow
{
    /// <summary>Monotonic surrogate key; history pages are keyed on it.</summary>
    public long RowId { get; set; }

    public required string ResourceType { get; set; }

    public required string ResourceId { get; set; }

    public int VersionId { get; set; }

    /// <summary>True on exactly one row per (type, id): the newest version.</summary>
    public bool IsCurrent { get; set; }

    public bool IsDeleted { get; set; }

    /// <summary>The HTTP verb that made this version (POST, PUT, PATCH, DELETE), reported in history.</summary>
    public required string Method { get; set; }

    /// <summary>The HTTP status the write answered (201, 200, 204), reported in history.</summary>
    public int Status { get; set; }

    public Instant LastUpdated { get; set; }

    public string? Json { get; set; }
}
