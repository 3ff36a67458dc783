using FhirMh.FhirServer.Storage;

namespace FhirMh.FhirServer.Search.Indexing;

/// <summary>
/// One value of one search parameter of one resource version. Index rows exist only for the
/// current, non-deleted version of a resource and are written in the same database transaction
/// as it, so a search never sees a resource without its index rows or the reverse.
/// </summary>
internal abstract class IndexRow
{
    /// <summary>The resource version the value belongs to (<see cref="ResourceRow.RowId"/>).</summary>
    public long RowId { get; set; }

    /// <summary>Set when the row is written together with a new version; <see cref="RowId"/> is taken from it once that version is saved.</summary>
    public ResourceRow? Row { get; set; }

    public required string ResourceType { get; set; }

    /// <summary>The search parameter code, e.g. <c>birthdate</c>.</summary>
    public required string Param { get; set; }

    /// <summary>Distinguishes several values of one parameter; part of the key.</summary>
    public int Ordinal { get; set; }
}
