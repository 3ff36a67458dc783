using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FhirMh.Benchmarks;

/// <summary>
/// Deterministic synthetic FHIR R4 data: Organizations, Practitioners, and per patient a Patient
/// (about 1 KB), its Observations and one PHQ-9 QuestionnaireResponse. Patient <c>i</c> is drawn
/// from a <see cref="Random"/> seeded with the run's seed and <c>i</c>, so a dataset grown in steps
/// holds the same Patients as one made at once, and the query parameters can be drawn from it
/// without reading the database back.
/// </summary>
internal sealed class SyntheticData(int seed, int observationsPerPatient)
{
    public const string NationalIdSystem = "http://moh.example.org/fhir/NamingSystem/national-id";
    public const string Loinc = "http://loinc.org";
    /// <summary>The PHQ-9 the server seeds (seeds/): responses are checked against it and scored on write.</summary>
    public const string Phq9Questionnaire = "https://fhirmh.org/fhir/Questionnaire/phq-9|1.0.0";

    /// <summary>The linkIds of the seeded PHQ-9's scored items (their LOINC codes, CLINICAL.md), item 9 last.</summary>
    private static readonly string[] Phq9LinkIds = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3", "44260-8"];

    /// <summary>LOINC codes (loinc.org) with their share of the Observations.</summary>
    public static readonly IReadOnlyList<(string Code, string Display, string Category, double Share)> ObservationCodes =
    [
        ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]", "survey", 0.30),
        ("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]", "survey", 0.25),
        ("29463-7", "Body weight", "vital-signs", 0.25),
        ("8867-4", "Heart rate", "vital-signs", 0.20),
    ];

    public static readonly IReadOnlyList<string> Families =
    [
        "Moyo", "Banda", "Phiri", "Mwale", "Dube", "Ncube", "Okafor", "Nkosi", "Mensah", "Kamau",
        "Otieno", "Haddad", "García", "Nguyễn", "Kowalski", "Silva", "Ivanova", "Osei", "Zulu", "Smith",
        "Müller", "Lefèvre", "Søndergaard", "Dvořák", "Muñoz", "Öztürk", "Brontë", "Ó Briain", "Nowak", "Chen",
    ];

    public static readonly IReadOnlyList<string> OrganizationNames =
    [
        "Harare Central Clinic", "Lusaka Mental Health Centre", "Nairobi Community Clinic", "Kampala Wellness Centre", "Accra Family Practice",
    ];

    // The first birth date and the number of days over which birth dates spread (1930-01-01 to 2010-12-31).
    public static readonly DateOnly FirstBirthDate = new(1930, 1, 1);
    public static readonly int BirthDateDays = new DateOnly(2010, 12, 31).DayNumber - FirstBirthDate.DayNumber + 1;

    // Observations fall between 2016-01-01 and 2025-12-31.
    public static readonly DateTime FirstEffective = new(2016, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
    public const int EffectiveDays = 3653;

    private static readonly string[] Givens =
    [
        "Chipo", "Tendai", "Grace", "John", "Amina", "Kwame", "Fatima", "Thabo", "Mary", "Peter", "Nomsa", "Joseph",
        "Esther", "David", "Ruth", "Samuel", "Aisha", "Brian", "Lindiwe", "Musa", "José", "Zoë", "Chloé", "Björn",
        "Renée", "Łukasz", "Ana", "Noémie", "Søren", "Ağrı",
    ];

    // Names as UTF-8 text, as clients send them, not as \u escapes.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] Cities = ["Harare", "Lusaka", "Lilongwe", "Nairobi", "Kampala", "Accra", "Durban", "Gaborone"];
    private static readonly string[] Offsets = ["Z", "+01:00", "+02:00", "+03:00", "+05:30", "-05:00"];

    private static readonly (string Code, string Display)[] Phq9Answers =
    [
        ("LA6568-5", "Not at all"), ("LA6569-3", "Several days"), ("LA6570-1", "More than half the days"), ("LA6571-9", "Nearly every day"),
    ];


    /// <summary>Resources written for one patient: the Patient, its Observations and one QuestionnaireResponse.</summary>
    public int ResourcesPerPatient => 1 + observationsPerPatient + 1;

    /// <summary>Unique and stable: a permutation of the patient index (7919 is prime and does not divide 90,000,000).</summary>
    public static string NationalId(int patient) => ((((long)patient * 7_919) + 1_000_003) % 90_000_000 + 10_000_000).ToString(CultureInfo.InvariantCulture);

    public static int PractitionerCount(int patients) => 10 + (patients / 200);

    public static string OrganizationIdentifier(int organization) => $"FAC-{organization + 1:D3}";

    /// <summary>What the queries need to know of patient <c>i</c>, drawn as <see cref="WritePatient"/> draws it.</summary>
    public (string Family, string Gender) PatientTraits(int patient)
    {
        var random = PatientRandom(patient);
        var family = Families[random.Next(Families.Count)];
        var gender = Gender(random.Next(100));
        return (family, gender);
    }

    /// <summary>Organizations and Practitioners, created before any Patient refers to them.</summary>
    public byte[] OrganizationsBundle()
    {
        var random = new Random(seed);
        return Bundle(writer =>
        {
            for (var i = 0; i < OrganizationNames.Count; i++)
            {
                Entry(writer, NewUuid(random), "Organization", w =>
                {
                    w.WriteString("resourceType", "Organization");
                    Identifier(w, "http://moh.example.org/fhir/NamingSystem/facility", OrganizationIdentifier(i));
                    w.WriteBoolean("active", true);
                    w.WriteString("name", OrganizationNames[i]);
                    w.WriteStartArray("telecom");
                    Telecom(w, "phone", $"+263 24 {random.Next(1_000_000, 9_999_999)}", "work");
                    w.WriteEndArray();
                    Address(w, random, "work");
                });
            }
        });
    }

    public IEnumerable<byte[]> PractitionerBundles(int count)
    {
        var random = new Random(seed + 1);
        for (var first = 0; first < count; first += 100)
        {
            yield return Bundle(writer =>
            {
                for (var i = first; i < Math.Min(count, first + 100); i++)
                {
                    Entry(writer, NewUuid(random), "Practitioner", w =>
                    {
                        w.WriteString("resourceType", "Practitioner");
                        Identifier(w, "http://moh.example.org/fhir/NamingSystem/practitioner", $"PR-{i + 1:D5}");
                        w.WriteBoolean("active", true);
                        HumanName(w, Families[random.Next(Families.Count)], Givens[random.Next(Givens.Length)], null, "Dr");
                        w.WriteString("gender", Gender(random.Next(100)));
                        w.WriteStartArray("qualification");
                        w.WriteStartObject();
                        w.WriteStartObject("code");
                        w.WriteString("text", random.Next(3) == 0 ? "Psychiatrist" : "Registered nurse");
                        w.WriteEndObject();
                        w.WriteEndObject();
                        w.WriteEndArray();
                    });
                }
            });
        }
    }

    /// <summary>
    /// Patients <c>from</c> to <c>to - 1</c> with their Observations and QuestionnaireResponses, in
    /// transaction Bundles of whole patients (at most 100 entries): the Observations refer to their
    /// Patient by its urn:uuid fullUrl, which the server replaces with the id it assigns.
    /// </summary>
    public List<byte[]> PatientBundles(int from, int to, IReadOnlyList<string> organizationIds, IReadOnlyList<string> practitionerIds)
    {
        var patientsPerBundle = Math.Max(1, 100 / ResourcesPerPatient);
        var bundles = new List<byte[]>();
        for (var first = from; first < to; first += patientsPerBundle)
        {
            var last = Math.Min(to, first + patientsPerBundle);
            bundles.Add(Bundle(writer =>
            {
                for (var patient = first; patient < last; patient++)
                {
                    WritePatient(writer, patient, organizationIds, practitionerIds);
                }
            }));
        }

        return bundles;
    }

    private void WritePatient(Utf8JsonWriter writer, int patient, IReadOnlyList<string> organizationIds, IReadOnlyList<string> practitionerIds)
    {
        var random = PatientRandom(patient);
        var family = Families[random.Next(Families.Count)];
        var gender = Gender(random.Next(100));
        var given = Givens[random.Next(Givens.Length)];
        var middle = Givens[random.Next(Givens.Length)];
        var birthDate = FirstBirthDate.AddDays(random.Next(BirthDateDays));
        var practitioner = "Practitioner/" + practitionerIds[random.Next(practitionerIds.Count)];
        var patientUrn = NewUuid(random);
        Entry(writer, patientUrn, "Patient", w =>
        {
            w.WriteString("resourceType", "Patient");
            w.WriteStartArray("identifier");
            IdentifierItem(w, "official", NationalIdSystem, NationalId(patient));
            IdentifierItem(w, "secondary", "http://clinic.example.org/mrn", $"MRN-{patient + 1:D7}");
            w.WriteEndArray();
            w.WriteBoolean("active", true);
            HumanName(w, family, given, middle, null);
            w.WriteStartArray("telecom");
            Telecom(w, "phone", $"+263 77 {random.Next(1_000_000, 9_999_999)}", "mobile");
            Telecom(w, "email", $"{Ascii(given)}.{Ascii(family)}{patient}@example.org", "home");
            w.WriteEndArray();
            w.WriteString("gender", gender);
            w.WriteString("birthDate", birthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            Address(w, random, "home");
            w.WriteStartObject("maritalStatus");
            Coding(w, "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", random.Next(2) == 0 ? "M" : "S", null);
            w.WriteEndObject();
            w.WriteStartArray("communication");
            w.WriteStartObject();
            w.WriteStartObject("language");
            Coding(w, "urn:ietf:bcp:47", "en", null);
            w.WriteEndObject();
            w.WriteBoolean("preferred", true);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartArray("generalPractitioner");
            Reference(w, practitioner);
            w.WriteEndArray();
            w.WriteStartObject("managingOrganization");
            w.WriteString("reference", "Organization/" + organizationIds[random.Next(organizationIds.Count)]);
            w.WriteEndObject();
        });

        for (var o = 0; o < observationsPerPatient; o++)
        {
            var (code, display, category) = PickCode(random.NextDouble());
            var effective = Effective(random);
            var performer = random.Next(4) == 0 ? "Practitioner/" + practitionerIds[random.Next(practitionerIds.Count)] : practitioner;
            Entry(writer, NewUuid(random), "Observation", w =>
            {
                w.WriteString("resourceType", "Observation");
                w.WriteString("status", "final");
                w.WriteStartArray("category");
                w.WriteStartObject();
                Coding(w, "http://terminology.hl7.org/CodeSystem/observation-category", category, null);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteStartObject("code");
                Coding(w, Loinc, code, display);
                w.WriteEndObject();
                w.WriteStartObject("subject");
                w.WriteString("reference", patientUrn);
                w.WriteEndObject();
                w.WriteString("effectiveDateTime", effective);
                w.WriteStartArray("performer");
                Reference(w, performer);
                w.WriteEndArray();
                switch (code)
                {
                    case "44261-6":
                        w.WriteNumber("valueInteger", random.Next(0, 28));
                        break;
                    case "70274-6":
                        w.WriteNumber("valueInteger", random.Next(0, 22));
                        break;
                    case "29463-7":
                        Quantity(w, Math.Round(40 + (random.NextDouble() * 90), 1), "kg", "kg");
                        break;
                    default:
                        Quantity(w, random.Next(48, 120), "beats/minute", "/min");
                        break;
                }
            });
        }

        Entry(writer, NewUuid(random), "QuestionnaireResponse", w =>
        {
            w.WriteString("resourceType", "QuestionnaireResponse");
            w.WriteString("questionnaire", Phq9Questionnaire);
            w.WriteString("status", "completed");
            w.WriteStartObject("subject");
            w.WriteString("reference", patientUrn);
            w.WriteEndObject();
            w.WriteString("authored", Effective(random));
            w.WriteStartObject("author");
            w.WriteString("reference", practitioner);
            w.WriteEndObject();
            w.WriteStartArray("item");
            var total = 0;
            for (var i = 0; i < Phq9LinkIds.Length; i++)
            {
                // Item 9 is always "Not at all": a positive answer raises an alert (a Flag and a Task),
                // which would change the counts this dataset is checked against.
                var answer = i == Phq9LinkIds.Length - 1 ? 0 : random.Next(Phq9Answers.Length);
                total += answer;
                w.WriteStartObject();
                w.WriteString("linkId", Phq9LinkIds[i]);
                w.WriteStartArray("answer");
                w.WriteStartObject();
                w.WriteStartObject("valueCoding");
                Coding(w, Loinc, Phq9Answers[answer].Code, Phq9Answers[answer].Display, isArray: false);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteStartObject();
            w.WriteString("linkId", "44261-6");
            w.WriteStartArray("answer");
            w.WriteStartObject();
            w.WriteNumber("valueInteger", total);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
        });
    }

    private Random PatientRandom(int patient) => new(unchecked((seed * 1_000_003) + patient));

    private static (string Code, string Display, string Category) PickCode(double draw)
    {
        foreach (var (code, display, category, share) in ObservationCodes)
        {
            if (draw < share)
            {
                return (code, display, category);
            }

            draw -= share;
        }

        var last = ObservationCodes[^1];
        return (last.Code, last.Display, last.Category);
    }

    private static string Effective(Random random)
    {
        var local = FirstEffective.AddDays(random.Next(EffectiveDays)).AddMinutes(random.Next(7 * 60, 19 * 60));
        var offset = Offsets[random.Next(Offsets.Length)];
        return local.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture) + offset;
    }

    private static string Gender(int draw) => draw switch
    {
        < 49 => "female",
        < 98 => "male",
        < 99 => "other",
        _ => "unknown",
    };

    private static string NewUuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return "urn:uuid:" + new Guid(bytes).ToString("D");
    }

    private static string Ascii(string name) =>
        new([.. name.Normalize(System.Text.NormalizationForm.FormD).Where(char.IsAsciiLetter).Select(char.ToLowerInvariant)]);

    private static byte[] Bundle(Action<Utf8JsonWriter> entries)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("resourceType", "Bundle");
            writer.WriteString("type", "transaction");
            writer.WriteStartArray("entry");
            entries(writer);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Entry(Utf8JsonWriter writer, string fullUrl, string type, Action<Utf8JsonWriter> resource)
    {
        writer.WriteStartObject();
        writer.WriteString("fullUrl", fullUrl);
        writer.WriteStartObject("resource");
        resource(writer);
        writer.WriteEndObject();
        writer.WriteStartObject("request");
        writer.WriteString("method", "POST");
        writer.WriteString("url", type);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void Identifier(Utf8JsonWriter w, string system, string value)
    {
        w.WriteStartArray("identifier");
        IdentifierItem(w, null, system, value);
        w.WriteEndArray();
    }

    private static void IdentifierItem(Utf8JsonWriter w, string? use, string system, string value)
    {
        w.WriteStartObject();
        if (use is not null)
        {
            w.WriteString("use", use);
        }

        w.WriteString("system", system);
        w.WriteString("value", value);
        w.WriteEndObject();
    }

    private static void HumanName(Utf8JsonWriter w, string family, string given, string? middle, string? prefix)
    {
        w.WriteStartArray("name");
        w.WriteStartObject();
        w.WriteString("use", "official");
        w.WriteString("family", family);
        w.WriteStartArray("given");
        w.WriteStringValue(given);
        if (middle is not null)
        {
            w.WriteStringValue(middle);
        }

        w.WriteEndArray();
        if (prefix is not null)
        {
            w.WriteStartArray("prefix");
            w.WriteStringValue(prefix);
            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void Telecom(Utf8JsonWriter w, string system, string value, string use)
    {
        w.WriteStartObject();
        w.WriteString("system", system);
        w.WriteString("value", value);
        w.WriteString("use", use);
        w.WriteEndObject();
    }

    private static void Address(Utf8JsonWriter w, Random random, string use)
    {
        var city = Cities[random.Next(Cities.Length)];
        w.WriteStartArray("address");
        w.WriteStartObject();
        w.WriteString("use", use);
        w.WriteStartArray("line");
        w.WriteStringValue($"{random.Next(1, 400)} {Families[random.Next(Families.Count)]} Road");
        w.WriteStringValue($"Flat {random.Next(1, 60)}");
        w.WriteEndArray();
        w.WriteString("city", city);
        w.WriteString("district", city + " District");
        w.WriteString("postalCode", random.Next(0, 99_999).ToString("D5", CultureInfo.InvariantCulture));
        w.WriteString("country", "ZW");
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void Coding(Utf8JsonWriter w, string system, string code, string? display, bool isArray = true)
    {
        if (isArray)
        {
            w.WriteStartArray("coding");
            w.WriteStartObject();
        }

        w.WriteString("system", system);
        w.WriteString("code", code);
        if (display is not null)
        {
            w.WriteString("display", display);
        }

        if (isArray)
        {
            w.WriteEndObject();
            w.WriteEndArray();
        }
    }

    private static void Reference(Utf8JsonWriter w, string reference)
    {
        w.WriteStartObject();
        w.WriteString("reference", reference);
        w.WriteEndObject();
    }

    private static void Quantity(Utf8JsonWriter w, double value, string unit, string code)
    {
        w.WriteStartObject("valueQuantity");
        w.WriteNumber("value", value);
        w.WriteString("unit", unit);
        w.WriteString("system", "http://unitsofmeasure.org");
        w.WriteString("code", code);
        w.WriteEndObject();
    }
}
