namespace FhirMh.Benchmarks.Registry;

/// <summary>
/// One registration of a person by one source system, as a record-linkage dataset gives it: the
/// fields a clinic's intake form holds (all text, missing as <c>null</c>) and the ground truth
/// <see cref="PersonKey"/> (records with the same key are the same person).
/// </summary>
/// <param name="RecordId">The source system's own number of the record, unique within the dataset; it says nothing about the person (<see cref="FebrlDataset.OpaqueRecordId"/>).</param>
/// <param name="PersonKey">Ground truth: the <c>N</c> of FEBRL's <c>rec-N-org</c> / <c>rec-N-dup-K</c>.</param>
/// <param name="SourceSystem">The identifier system of the registering source, a URI.</param>
/// <param name="Given">Given name (FEBRL <c>given_name</c>).</param>
/// <param name="Family">Family name (FEBRL <c>surname</c>).</param>
/// <param name="StreetNumber">House number, text (FEBRL keeps it apart from the street).</param>
/// <param name="Address1">Street (FEBRL <c>address_1</c>).</param>
/// <param name="Address2">Second address line: building, locality (FEBRL <c>address_2</c>).</param>
/// <param name="Suburb">Town or suburb; the Patient's <c>address.city</c>.</param>
/// <param name="Postcode">Postcode, text (leading zeros kept).</param>
/// <param name="State">State or province.</param>
/// <param name="BirthDate">YYYYMMDD, YYYYMM or YYYY as the source wrote it; it may be invalid (month 13).</param>
/// <param name="SocSecId">National id (FEBRL <c>soc_sec_id</c>), text.</param>
/// <param name="Sex">"m" or "f"; FEBRL has none.</param>
/// <param name="Phone">Phone number as written at intake, in any format; FEBRL has none.</param>
internal sealed record PersonRecord(
    string RecordId,
    int PersonKey,
    string SourceSystem,
    string? Given,
    string? Family,
    string? StreetNumber,
    string? Address1,
    string? Address2,
    string? Suburb,
    string? Postcode,
    string? State,
    string? BirthDate,
    string? SocSecId,
    string? Sex = null,
    string? Phone = null)
{
    /// <summary>
    /// The record without national id, street number and address lines: what a registry sees from
    /// sources that collect only names, birth date and place (the "sparse" FEBRL variants).
    /// </summary>
    public PersonRecord Sparse() => this with { SocSecId = null, StreetNumber = null, Address1 = null, Address2 = null };
}
