using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>
/// The directory as FHIR R4 JSON: each resource on its own (for a PUT) and in transaction Bundles
/// of PUTs with the directory's own ids, so references need no resolving and a Bundle sent twice
/// writes nothing new but versions.
/// </summary>
internal static class DirectoryJson
{
    // Names as UTF-8 text, as clients send them, not as \u escapes.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Transaction Bundles of at most <paramref name="entriesPerBundle"/> PUTs, in phases such that
    /// each resource's references point at resources of earlier phases: the groups, the other
    /// Organizations, Locations, HealthcareServices, Practitioners, then PractitionerRoles.
    /// </summary>
    public static List<LoadPhase> LoadPhases(DirectoryDataset dataset, int entriesPerBundle)
    {
        static LoadPhase Phase<T>(string name, IEnumerable<T> resources, Func<T, string> id, Action<Utf8JsonWriter, T> write, int entriesPerBundle)
        {
            var list = resources.ToList();
            var type = name.Split(' ')[0];
            return new LoadPhase(
                name, [.. list.Chunk(entriesPerBundle).Select(chunk => TransactionBundle(type, chunk, id, write))], list.Count, type is "Organization" or "Practitioner");
        }

        return
        [
            Phase("Organization (groups)", dataset.Organizations.Where(o => o.IsGroup), o => o.Id, Organization, entriesPerBundle),
            Phase("Organization (providers)", dataset.Organizations.Where(o => !o.IsGroup), o => o.Id, Organization, entriesPerBundle),
            Phase("Location", dataset.Locations, l => l.Id, Location, entriesPerBundle),
            Phase("HealthcareService", dataset.Services, s => s.Id, Service, entriesPerBundle),
            Phase("Practitioner", dataset.Practitioners, p => p.Id, Practitioner, entriesPerBundle),
            Phase("PractitionerRole", dataset.Roles, r => r.Id, Role, entriesPerBundle),
        ];
    }

    private static byte[] TransactionBundle<T>(string type, IEnumerable<T> resources, Func<T, string> id, Action<Utf8JsonWriter, T> write) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("resourceType", "Bundle");
        writer.WriteString("type", "transaction");
        writer.WriteStartArray("entry");
        foreach (var resource in resources)
        {
            writer.WriteStartObject();
            writer.WritePropertyName("resource");
            write(writer, resource);
            writer.WriteStartObject("request");
            writer.WriteString("method", "PUT");
            writer.WriteString("url", $"{type}/{id(resource)}");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    public static byte[] Role(DirectoryRole role) => Write(w => Role(w, role));

    public static byte[] Service(DirectoryService service) => Write(w => Service(w, service));

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Organization(Utf8JsonWriter w, DirectoryOrganization organization)
    {
        w.WriteStartObject();
        w.WriteString("resourceType", "Organization");
        w.WriteString("id", organization.Id);
        Identifier(w, NationalDirectory.OrganizationSystem, organization.Identifier);
        w.WriteBoolean("active", true);
        w.WriteStartArray("type");
        w.WriteStartObject();
        Coding(w, "http://terminology.hl7.org/CodeSystem/organization-type", organization.IsGroup ? "other" : "prov", organization.IsGroup ? "Other" : "Healthcare Provider");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("name", organization.Name);
        w.WriteStartArray("telecom");
        Telecom(w, "phone", organization.Phone);
        w.WriteEndArray();
        Address(w, organization.Line, organization.PostalCode, organization.City);
        if (organization.PartOfId is { } parent)
        {
            Reference(w, "partOf", "Organization/" + parent);
        }

        w.WriteEndObject();
    }

    private static void Location(Utf8JsonWriter w, DirectoryLocation location)
    {
        w.WriteStartObject();
        w.WriteString("resourceType", "Location");
        w.WriteString("id", location.Id);
        w.WriteString("status", "active");
        w.WriteString("name", location.Name);
        w.WriteString("mode", "instance");
        w.WriteStartObject("address");
        w.WriteString("city", NationalDirectory.Cities[location.City].Name);
        w.WriteString("country", "FR");
        w.WriteEndObject();
        w.WriteStartObject("position");
        w.WriteNumber("longitude", location.Longitude);
        w.WriteNumber("latitude", location.Latitude);
        w.WriteEndObject();
        Reference(w, "managingOrganization", "Organization/" + location.OrganizationId);
        w.WriteEndObject();
    }

    private static void Service(Utf8JsonWriter w, DirectoryService service)
    {
        w.WriteStartObject();
        w.WriteString("resourceType", "HealthcareService");
        w.WriteString("id", service.Id);
        w.WriteBoolean("active", service.IsActive);
        Reference(w, "providedBy", "Organization/" + service.OrganizationId);
        w.WriteStartArray("category");
        w.WriteStartObject();
        w.WriteString("text", service.IsMentalHealth ? "Mental health" : "Primary care");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("type");
        foreach (var type in service.Types)
        {
            w.WriteStartObject();
            Coding(w, type.System, type.Code, type.Display);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("specialty");
        w.WriteStartObject();
        Coding(w, service.Specialty.System, service.Specialty.Code, service.Specialty.Display);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("location");
        foreach (var location in service.LocationIds)
        {
            w.WriteStartObject();
            w.WriteString("reference", "Location/" + location);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("name", service.Name);
        w.WriteStartArray("communication");
        foreach (var language in service.Languages)
        {
            w.WriteStartObject();
            Coding(w, NationalDirectory.LanguageSystem, language, null);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (service.Characteristics.Count > 0)
        {
            // FHIR JSON has no empty arrays (json.html): a service without characteristics has none written.
            w.WriteStartArray("characteristic");
            foreach (var characteristic in service.Characteristics)
            {
                w.WriteStartObject();
                Coding(w, NationalDirectory.CharacteristicSystem, characteristic, null);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        AvailableTime(w, service.Hours);
        w.WriteEndObject();
    }

    private static void Practitioner(Utf8JsonWriter w, DirectoryPractitioner practitioner)
    {
        w.WriteStartObject();
        w.WriteString("resourceType", "Practitioner");
        w.WriteString("id", practitioner.Id);
        Identifier(w, NationalDirectory.LicenceSystem, practitioner.Licence);
        w.WriteBoolean("active", practitioner.IsActive);
        w.WriteStartArray("name");
        w.WriteStartObject();
        w.WriteString("use", "official");
        w.WriteString("family", practitioner.Family);
        w.WriteStartArray("given");
        w.WriteStringValue(practitioner.Given);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("telecom");
        Telecom(w, "phone", practitioner.Phone);
        Telecom(w, "email", practitioner.Email);
        w.WriteEndArray();
        Address(w, practitioner.Line, practitioner.PostalCode, practitioner.City);
        w.WriteString("gender", practitioner.Gender);
        w.WriteStartArray("qualification");
        w.WriteStartObject();
        w.WriteStartObject("code");
        w.WriteString("text", practitioner.Qualification);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("communication");
        foreach (var language in practitioner.Languages)
        {
            w.WriteStartObject();
            Coding(w, NationalDirectory.LanguageSystem, language, null);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Role(Utf8JsonWriter w, DirectoryRole role)
    {
        w.WriteStartObject();
        w.WriteString("resourceType", "PractitionerRole");
        w.WriteString("id", role.Id);
        w.WriteBoolean("active", role.IsActive);
        w.WriteStartObject("period");
        w.WriteString("start", Day(role.PeriodStart));
        if (role.PeriodEnd is { } end)
        {
            w.WriteString("end", Day(end));
        }

        w.WriteEndObject();
        Reference(w, "practitioner", "Practitioner/" + role.PractitionerId);
        Reference(w, "organization", "Organization/" + role.OrganizationId);
        w.WriteStartArray("code");
        w.WriteStartObject();
        Coding(w, role.Code.System, role.Code.Code, role.Code.Display);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("specialty");
        w.WriteStartObject();
        Coding(w, role.Specialty.System, role.Specialty.Code, role.Specialty.Display);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("location");
        w.WriteStartObject();
        w.WriteString("reference", "Location/" + role.LocationId);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("healthcareService");
        w.WriteStartObject();
        w.WriteString("reference", "HealthcareService/" + role.ServiceId);
        w.WriteEndObject();
        w.WriteEndArray();
        AvailableTime(w, role.Hours);
        w.WriteEndObject();
    }

    private static void AvailableTime(Utf8JsonWriter w, IReadOnlyList<OpeningHours> hours)
    {
        w.WriteStartArray("availableTime");
        foreach (var entry in hours)
        {
            w.WriteStartObject();
            w.WriteStartArray("daysOfWeek");
            foreach (var day in entry.Days)
            {
                w.WriteStringValue(OpeningHours.DayCode(day));
            }

            w.WriteEndArray();
            if (entry.IsAllDay)
            {
                w.WriteBoolean("allDay", true);
            }
            else
            {
                w.WriteString("availableStartTime", entry.Opens!.Value.ToString("HH:mm:ss", CultureInfo.InvariantCulture));
                w.WriteString("availableEndTime", entry.Closes!.Value.ToString("HH:mm:ss", CultureInfo.InvariantCulture));
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Telecom(Utf8JsonWriter w, string system, string value)
    {
        w.WriteStartObject();
        w.WriteString("system", system);
        w.WriteString("value", value);
        w.WriteString("use", "work");
        w.WriteEndObject();
    }

    private static void Address(Utf8JsonWriter w, string line, string postalCode, int city)
    {
        w.WriteStartArray("address");
        w.WriteStartObject();
        w.WriteString("use", "work");
        w.WriteStartArray("line");
        w.WriteStringValue(line);
        w.WriteEndArray();
        w.WriteString("city", NationalDirectory.Cities[city].Name);
        w.WriteString("postalCode", postalCode);
        w.WriteString("country", "FR");
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void Identifier(Utf8JsonWriter w, string system, string value)
    {
        w.WriteStartArray("identifier");
        w.WriteStartObject();
        w.WriteString("system", system);
        w.WriteString("value", value);
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void Coding(Utf8JsonWriter w, string system, string code, string? display)
    {
        w.WriteStartArray("coding");
        w.WriteStartObject();
        w.WriteString("system", system);
        w.WriteString("code", code);
        if (display is not null)
        {
            w.WriteString("display", display);
        }

        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void Reference(Utf8JsonWriter w, string property, string reference)
    {
        w.WriteStartObject(property);
        w.WriteString("reference", reference);
        w.WriteEndObject();
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
