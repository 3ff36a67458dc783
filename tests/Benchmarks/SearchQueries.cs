using System.Globalization;

namespace FhirMh.Benchmarks;

/// <summary>
/// The searches of issue #3, with parameter values drawn from the dataset as it stands: real
/// identifiers, family names, Organization names and Patient ids, so that most searches match.
/// Pages are bounded with <c>_count</c> where a search matches a large share of the data.
/// </summary>
internal static class SearchQueries
{
    public const string Everything = "Patient/{id}/$everything";

    public static List<SearchQuery> For(int patients, IReadOnlyList<string> patientIds)
    {
        string PatientId(Random r) => patientIds[r.Next(patientIds.Count)];
        string Code(Random r) => Escape($"{SyntheticData.Loinc}|{SyntheticData.ObservationCodes[r.Next(SyntheticData.ObservationCodes.Count)].Code}");
        string EffectiveOnOrAfter(Random r) => Day(DateOnly.FromDateTime(SyntheticData.FirstEffective).AddDays(r.Next(SyntheticData.EffectiveDays)));
        return
        [
            new("Patient?name={family}",
                r => $"/fhir/Patient?name={Escape(SyntheticData.Families[r.Next(SyntheticData.Families.Count)])}",
                "flat with size", null),
            new("Patient?identifier={system}|{value}",
                r => $"/fhir/Patient?identifier={Escape($"{SyntheticData.NationalIdSystem}|{SyntheticData.NationalId(r.Next(patients))}")}",
                "p50 ≤ 2 ms at 100k Patients", 2),
            new("Patient?birthdate=ge{date}&gender={gender}",
                r => $"/fhir/Patient?birthdate=ge{Day(SyntheticData.FirstBirthDate.AddDays(r.Next(SyntheticData.BirthDateDays)))}&gender={(r.Next(2) == 0 ? "female" : "male")}",
                "flat with size", null),
            new("Observation?subject={Patient}&code={loinc}&date=ge{date}",
                r => $"/fhir/Observation?subject=Patient/{PatientId(r)}&code={Code(r)}&date=ge{EffectiveOnOrAfter(r)}",
                "flat with size", null),
            new("Observation?code={loinc}&_sort=-date&_count=10",
                r => $"/fhir/Observation?code={Code(r)}&_sort=-date&_count=10",
                "first page ≤ 10 ms at 1M Observations", 10),
            new("Patient?_has:Observation:subject:code={loinc}&_count=10",
                r => $"/fhir/Patient?_has:Observation:subject:code={Code(r)}&_count=10",
                "flat with size", null),
            new("Observation?subject:Patient.organization.name={name}&_count=10 (two-level chain)",
                r => $"/fhir/Observation?subject:Patient.organization.name={Escape(SyntheticData.OrganizationNames[r.Next(SyntheticData.OrganizationNames.Count)].Split(' ')[0])}&_count=10",
                "flat with size", null),
            new(Everything,
                r => $"/fhir/Patient/{PatientId(r)}/$everything",
                "p50 ≤ 20 ms", 20),
        ];
    }

    private static string Escape(string value) => Uri.EscapeDataString(value);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
