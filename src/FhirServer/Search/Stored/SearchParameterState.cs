namespace FhirMh.FhirServer.Search.Stored;

/// <summary>
/// The single row that says which set of stored SearchParameters is current: every write that
/// changes the set or finishes a re-index job gives it a new random <see cref="Stamp"/>, and a
/// process whose cache carries another stamp reloads. Random rather than counted, so that a
/// rolled-back change cannot leave a cache holding a stamp that a later change reuses.
/// </summary>
internal sealed class SearchParameterState
{
    public const int SingletonId = 1;

    public int Id { get; set; }

    public long Stamp { get; set; }
}
