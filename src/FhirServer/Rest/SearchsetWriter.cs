using System.Text.Json;
using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Serialization;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirMh.FhirServer.Rest;

/// <summary>
/// Writes a <see cref="Searchset"/>. In JSON the stored resources are copied into the Bundle as
/// they are; with <c>_summary</c> or <c>_elements</c> each resource is filtered on its own, since
/// those parameters apply to the resources of a search, not to the Bundle around them
/// (search.html#summary, search.html#elements).
/// </summary>
internal static class SearchsetWriter
{
    public static void WriteJson(Utf8JsonWriter writer, Searchset searchset, FhirSerializers serializers, SerializationFilter? filter)
    {
        var shell = searchset.Shell;
        writer.WriteStartObject();
        writer.WriteString("resourceType", "Bundle");
        if (shell.Meta is { Security.Count: > 0 } meta)
        {
            // Labels on the whole response, such as break-the-glass.
            writer.WriteStartObject("meta");
            writer.WriteStartArray("security");
            foreach (var label in meta.Security)
            {
                writer.WriteStartObject();
                writer.WriteString("system", label.System);
                writer.WriteString("code", label.Code);
                if (label.Display is { } display)
                {
                    writer.WriteString("display", display);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteString("type", "searchset");
        if (shell.Total is { } total)
        {
            writer.WriteNumber("total", total);
        }

        if (shell.Link.Count > 0)
        {
            writer.WriteStartArray("link");
            foreach (var link in shell.Link)
            {
                writer.WriteStartObject();
                writer.WriteString("relation", link.Relation);
                writer.WriteString("url", link.Url);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (searchset.Entries.Count > 0 || shell.Entry.Count > 0)
        {
            writer.WriteStartArray("entry");
            foreach (var entry in searchset.Entries)
            {
                writer.WriteStartObject();
                writer.WriteString("fullUrl", entry.FullUrl);
                writer.WritePropertyName("resource");
                if (filter is null)
                {
                    writer.WriteRawValue(entry.Json, skipInputValidation: true);
                }
                else
                {
                    serializers.WriteJson(writer, serializers.ParseJson(entry.Json), filter);
                }

                if (entry.Search is { } search)
                {
                    writer.WritePropertyName("search");
                    serializers.WriteJson(writer, search);
                }
                else
                {
                    WriteSearch(writer, entry.Mode, entry.Distance);
                }

                writer.WriteEndObject();
            }

            foreach (var outcome in shell.Entry)
            {
                writer.WriteStartObject();
                writer.WritePropertyName("resource");
                serializers.WriteJson(writer, outcome.Resource!, null);
                WriteSearch(writer, Bundle.SearchEntryMode.Outcome, distance: null);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <summary>The Bundle as POCOs, for XML; filtered resources go through a filtered JSON round trip.</summary>
    public static Bundle ToBundle(Searchset searchset, FhirSerializers serializers, SerializationFilter? filter)
    {
        var bundle = new Bundle { Meta = searchset.Shell.Meta, Type = Bundle.BundleType.Searchset, Total = searchset.Shell.Total, Link = searchset.Shell.Link };
        foreach (var entry in searchset.Entries)
        {
            var resource = serializers.ParseJson(entry.Json);
            if (filter is not null)
            {
                using var buffer = new MemoryStream();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    serializers.WriteJson(writer, resource, filter);
                }

                resource = serializers.ParseJson(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            }

            var search = entry.Search ?? new Bundle.SearchComponent { Mode = entry.Mode };
            if (entry.Distance is { } km)
            {
                search.Extension.Add(new Extension(LocationDistance, new Distance { Value = (decimal)km, Unit = "km", System = "http://unitsofmeasure.org", Code = "km" }));
            }

            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = entry.FullUrl, Resource = resource, Search = search });
        }

        bundle.Entry.AddRange(searchset.Shell.Entry);
        return bundle;
    }

    private const string LocationDistance = "http://hl7.org/fhir/StructureDefinition/location-distance";

    private static void WriteSearch(Utf8JsonWriter writer, Bundle.SearchEntryMode mode, double? distance)
    {
        writer.WriteStartObject("search");
        if (distance is { } km)
        {
            writer.WriteStartArray("extension");
            writer.WriteStartObject();
            writer.WriteString("url", LocationDistance);
            writer.WriteStartObject("valueDistance");
            writer.WriteNumber("value", km);
            writer.WriteString("unit", "km");
            writer.WriteString("system", "http://unitsofmeasure.org");
            writer.WriteString("code", "km");
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        writer.WriteString("mode", mode switch
        {
            Bundle.SearchEntryMode.Match => "match",
            Bundle.SearchEntryMode.Include => "include",
            _ => "outcome",
        });
        writer.WriteEndObject();
    }
}
