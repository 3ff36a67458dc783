namespace FhirMh.FhirServer.Search.Stored;

/// <summary>The <c>StoredSearchParameters</c> configuration section.</summary>
internal sealed class StoredParameterOptions
{
    public const string SectionName = "StoredSearchParameters";

    /// <summary>
    /// How long a search trusts this process's copy of the stored SearchParameters before it
    /// checks the database stamp again (one single-row read). Writes always check, inside their
    /// transaction, whatever this says.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);
}
