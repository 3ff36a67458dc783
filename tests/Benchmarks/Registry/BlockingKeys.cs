namespace FhirMh.Benchmarks.Registry;

/// <summary>
/// The blocking keys the registry would compute for a record under given rules, for
/// <see cref="LinkageMetrics.BlockingPairCompleteness"/>.
/// </summary>
internal static class BlockingKeys
{
    /// <summary>
    /// <c>null</c> until the matching library is referenced: pair completeness is then reported as
    /// "n/a" rather than made up here with keys that differ from the server's.
    /// </summary>
    /// <param name="rules">The rules document (Binary/patient-match-rules) the report half ran with.</param>
    /// <param name="country">The dataset's country, for <see cref="PatientMapping.ToPatient"/>.</param>
    public static Func<PersonRecord, IReadOnlyList<string>>? ForRules(string rules, string country)
    {
        // WIRE(FhirMh.Registries): once src/Registries lands, add
        // <ProjectReference Include="../../src/Registries/Registries.csproj" /> to Benchmarks.csproj and return
        // the library's blocking-key function for these rules, applied to the record as the server sees it:
        //   record => library.BlockingKeys(parsedRules, PatientMapping.ToPatient(record, country))
        // (the exact names of its public API are not known yet).
        _ = (rules, country);
        return null;
    }
}
