namespace FhirMh.FhirServer.Search;

/// <summary>
/// The codes a token modifier stands for once its ValueSet or CodeSystem is read: codes by
/// system, and systems included whole (a ValueSet include without concepts or filters).
/// </summary>
internal sealed record TokenSet(IReadOnlyDictionary<string, List<string>> CodesBySystem, IReadOnlyList<string> WholeSystems)
{
    public bool IsEmpty => CodesBySystem.Count == 0 && WholeSystems.Count == 0;
}
