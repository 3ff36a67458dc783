using FhirMh.FhirServer.ClientRegistry;
using FhirMh.FhirServer.Serialization;
using Hl7.Fhir.Model;

namespace FhirMh.Benchmarks.Registry;

/// <summary>
/// The blocking keys the registry computes for a record under given rules, for
/// <see cref="LinkageMetrics.BlockingPairCompleteness"/>: the record is mapped to the Patient the
/// replay sends, and its keys come from the server's own rule set (the same FHIRPath extraction
/// and matching library), so the figure describes what the server does.
/// </summary>
internal static class BlockingKeys
{
    private static readonly FhirSerializers Serializers = new(maxJsonDepth: 64);

    /// <param name="rules">The rules document (Binary/patient-match-rules) the report half ran with.</param>
    /// <param name="country">The dataset's country, for <see cref="PatientMapping.ToPatient"/>.</param>
    public static Func<PersonRecord, IReadOnlyList<string>> ForRules(string rules, string country)
    {
        var ruleSet = MatchRuleSet.Parse(rules);
        return record =>
        {
            var patient = (Patient)Serializers.ParseJson(PatientMapping.ToPatient(record, country).ToJsonString());
            return ruleSet.Matcher.BlockingKeys(ruleSet.Matcher.Prepare(ruleSet.Extract(record.RecordId, patient)));
        };
    }
}
