using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Xml;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirMh.FhirServer.Serialization;

/// <summary>
/// The process-wide serializers. The Firely SDK's option sets are costly to build and safe to
/// share, so there is exactly one of each; POCOs are never shared across requests.
/// </summary>
internal sealed class FhirSerializers
{
    private static readonly XmlReaderSettings SafeXmlReaderSettings = new()
    {
        // A DOCTYPE is refused outright, so no entity (XXE) is expanded and nothing is read
        // from disk or network while parsing a request body.
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    private readonly JsonSerializerOptions _options;
    private readonly FhirJsonSerializer _filteringJson = new();
    private readonly FhirXmlSerializer _xml = new();
    private readonly FhirXmlDeserializer _xmlParser = new();

    public FhirSerializers(int maxJsonDepth)
    {
        // FHIR JSON is not embedded in HTML, so '+' and quotes need no \u escapes (json.html).
        _options = new JsonSerializerOptions { MaxDepth = maxJsonDepth, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }
            .ForFhir(ModelInfo.ModelInspector);
    }

    public string ToJson(Resource resource) => JsonSerializer.Serialize(resource, _options);

    /// <exception cref="DeserializationFailedException">The JSON is well formed but not a valid resource.</exception>
    /// <exception cref="JsonException">The JSON is malformed or nested too deeply.</exception>
    public Resource ParseJson(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize<Resource>(utf8Json, _options)
            ?? throw new JsonException("The body is the JSON literal null, not a resource.");

    /// <inheritdoc cref="ParseJson(ReadOnlySpan{byte})"/>
    public Resource ParseJson(string json) =>
        JsonSerializer.Deserialize<Resource>(json, _options)
            ?? throw new JsonException("The stored JSON is the literal null.");

    /// <exception cref="DeserializationFailedException">The XML is well formed but not a valid resource.</exception>
    /// <exception cref="XmlException">The XML is malformed or carries a DOCTYPE.</exception>
    public Resource ParseXml(Stream utf8Xml)
    {
        using var reader = XmlReader.Create(utf8Xml, SafeXmlReaderSettings);
        return _xmlParser.DeserializeResource(reader);
    }

    public static JsonWriterOptions WriterOptions(bool indented) =>
        new() { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void WriteJson(Utf8JsonWriter writer, Resource resource, SerializationFilter? filter)
    {
        if (filter is null)
        {
            // Indentation is the writer's choice, so one options instance serves both.
            JsonSerializer.Serialize(writer, resource, _options);
        }
        else
        {
            _filteringJson.Serialize(resource, writer, () => filter);
        }
    }

    /// <summary>Serializes to a buffer: the XML writer is synchronous and response bodies are not.</summary>
    public byte[] ToXml(Resource resource, SerializationFilter? filter, bool pretty)
    {
        using var buffer = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = pretty };
        using (var writer = XmlWriter.Create(buffer, settings))
        {
            _xml.Serialize(resource, writer, () => filter!, null!);
        }

        return buffer.ToArray();
    }
}
