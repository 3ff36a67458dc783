namespace FhirMh.Registries.Matching;

/// <summary>
/// A record as the matcher sees it: field name to the raw values the host extracted from the
/// resource (for example with the FHIRPath in <see cref="FieldRule.Path"/>). The engine normalises
/// the values itself; fields not named by the rules are ignored, and absent or empty fields count as missing.
/// </summary>
/// <param name="Id">The caller's identifier of the record (for a Patient, its logical id).</param>
/// <param name="Fields">Field name to raw values; a field may carry several values (e.g. several given names).</param>
public sealed record MatchRecord(string Id, IReadOnlyDictionary<string, IReadOnlyList<string>> Fields);
