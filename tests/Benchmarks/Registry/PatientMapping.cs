using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FhirMh.Benchmarks.Registry;

/// <summary>
/// A <see cref="PersonRecord"/> as the FHIR R4 Patient its source system registers
/// (https://hl7.org/fhir/R4/patient.html): the source's identifier, the national id when known,
/// name, birth date, gender, phone and address. Empty fields are left out, never sent empty.
/// </summary>
internal static class PatientMapping
{
    public const string NationalIdSystem = "https://fhirmh.org/bench/national-id";

    /// <summary>Names and phones as UTF-8 text, as clients send them ("+263", "Søren"), not as \u escapes.</summary>
    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject ToPatient(PersonRecord record, string country)
    {
        var identifiers = new JsonArray(Identifier(record.SourceSystem, record.RecordId));
        if (record.SocSecId is { } nationalId)
        {
            identifiers.Add(Identifier(NationalIdSystem, nationalId));
        }

        var patient = new JsonObject { ["resourceType"] = "Patient", ["identifier"] = identifiers };
        if (record.Family is not null || record.Given is not null)
        {
            var name = new JsonObject();
            if (record.Family is { } family)
            {
                name["family"] = family;
            }

            if (record.Given is { } given)
            {
                name["given"] = new JsonArray(given);
            }

            patient["name"] = new JsonArray(name);
        }

        if (record.Phone is { } phone)
        {
            patient["telecom"] = new JsonArray(new JsonObject { ["system"] = "phone", ["value"] = phone });
        }

        if (Gender(record.Sex) is { } gender)
        {
            patient["gender"] = gender;
        }

        if (BirthDate(record.BirthDate) is { } birthDate)
        {
            patient["birthDate"] = birthDate;
        }

        if (Address(record, country) is { } address)
        {
            patient["address"] = new JsonArray(address);
        }

        return patient;
    }

    /// <summary>
    /// The record as a <c>$match</c> query from a desk that has not registered the person: without
    /// the source's own identifier, the national id kept when known.
    /// </summary>
    public static JsonObject ToQueryPatient(PersonRecord record, string country)
    {
        var patient = ToPatient(record, country);
        var identifiers = patient["identifier"]!.AsArray();
        identifiers.RemoveAt(0);
        if (identifiers.Count == 0)
        {
            patient.Remove("identifier"); // FHIR JSON has no empty arrays
        }

        return patient;
    }

    /// <summary>
    /// The path of the IHE ITI-104 conditional update that registers the record: <c>PUT
    /// /fhir/Patient?identifier={system}|{value}</c> creates the Patient when no Patient has it.
    /// </summary>
    public static string ConditionalUpdatePath(PersonRecord record) =>
        "/fhir/Patient?identifier=" + Uri.EscapeDataString(record.SourceSystem + "|" + record.RecordId);

    /// <summary>
    /// FHIR <c>date</c> (https://hl7.org/fhir/R4/datatypes.html#date) from YYYYMMDD, YYYYMM or YYYY;
    /// <c>null</c> when it is no real date (FEBRL's duplicates hold months such as 13 and days such as 31 June).
    /// </summary>
    public static string? BirthDate(string? text)
    {
        if (text is null || !text.All(char.IsAsciiDigit))
        {
            return null;
        }

        return text.Length switch
        {
            8 when DateOnly.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day.Year >= 1800 =>
                day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            6 when DateOnly.TryParseExact(text + "01", "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month) && month.Year >= 1800 =>
                month.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            4 when int.Parse(text, CultureInfo.InvariantCulture) >= 1800 => text,
            _ => null,
        };
    }

    /// <summary>FHIR <c>AdministrativeGender</c> from "m"/"f" (any case); <c>null</c> when not known.</summary>
    public static string? Gender(string? sex) => sex?.ToUpperInvariant() switch
    {
        "M" => "male",
        "F" => "female",
        _ => null,
    };

    private static JsonObject Identifier(string system, string value) => new() { ["system"] = system, ["value"] = value };

    private static JsonObject? Address(PersonRecord record, string country)
    {
        var firstLine = string.Join(' ', new[] { record.StreetNumber, record.Address1 }.Where(p => p is not null));
        var lines = new[] { firstLine, record.Address2 ?? string.Empty }.Where(l => l.Length > 0).ToList();
        if (lines.Count == 0 && record.Suburb is null && record.Postcode is null && record.State is null)
        {
            return null;
        }

        var address = new JsonObject();
        if (lines.Count > 0)
        {
            address["line"] = new JsonArray([.. lines.Select(l => JsonValue.Create(l))]);
        }

        if (record.Suburb is { } city)
        {
            address["city"] = city;
        }

        if (record.State is { } state)
        {
            address["state"] = state;
        }

        if (record.Postcode is { } postcode)
        {
            address["postalCode"] = postcode;
        }

        address["country"] = country;
        return address;
    }
}
