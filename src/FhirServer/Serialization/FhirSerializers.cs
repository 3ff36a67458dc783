using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
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
    private readonly int _maxJsonDepth;
    private readonly int _maxXmlDepth;
    private readonly FhirJsonSerializer _filteringJson = new();
    private readonly FhirXmlSerializer _xml = new();
    private readonly FhirXmlDeserializer _xmlParser = new();

    public FhirSerializers(int maxJsonDepth)
    {
        _maxJsonDepth = maxJsonDepth;

        // Each XML element level is an object and an array level in JSON.
        _maxXmlDepth = Math.Max(1, maxJsonDepth / 2);

        // FHIR JSON is not embedded in HTML, so '+' and quotes need no \u escapes (json.html).
        // Request bodies are depth-checked by their readers; the options' own limit only has to let
        // any resource that passed those checks be written back out.
        _options = new JsonSerializerOptions { MaxDepth = (2 * maxJsonDepth) + 2, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }
            .ForFhir(ModelInfo.ModelInspector);
    }

    public string ToJson(Resource resource) => JsonSerializer.Serialize(resource, _options);

    /// <exception cref="DeserializationFailedException">The JSON is well formed but not a valid resource.</exception>
    /// <exception cref="JsonException">The JSON is malformed or nested deeper than the configured limit.</exception>
    public Resource ParseJson(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = _maxJsonDepth });
        return JsonSerializer.Deserialize<Resource>(ref reader, _options)
            ?? throw new JsonException("The body is the JSON literal null, not a resource.");
    }

    /// <summary>Stored JSON as a mutable tree, within the depth any stored resource can have.</summary>
    public JsonNode ParseStoredNode(string json) =>
        JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = _options.MaxDepth })
            ?? throw new JsonException("The stored JSON is the literal null.");

    /// <inheritdoc cref="ParseJson(ReadOnlySpan{byte})"/>
    public Resource ParseJson(string json) =>
        JsonSerializer.Deserialize<Resource>(json, _options)
            ?? throw new JsonException("The stored JSON is the literal null.");

    /// <exception cref="DeserializationFailedException">The XML is well formed but not a valid resource.</exception>
    /// <exception cref="XmlException">The XML is malformed, carries a DOCTYPE, or is nested too deeply.</exception>
    public Resource ParseXml(ReadOnlyMemory<byte> utf8Xml)
    {
        // The SDK's XML parser recurses once per element with no limit of its own; a deep enough
        // body would overflow the stack and end the process. Measure the depth first.
        var bytes = utf8Xml.ToArray();
        using (var scan = XmlReader.Create(new MemoryStream(bytes, writable: false), SafeXmlReaderSettings))
        {
            while (scan.Read())
            {
                if (scan.Depth > _maxXmlDepth)
                {
                    var line = (IXmlLineInfo)scan;
                    throw new XmlException(
                        $"The XML is nested deeper than {_maxXmlDepth} elements (Limits:MaxJsonDepth / 2).", null, line.LineNumber, line.LinePosition);
                }
            }
        }

        using var reader = XmlReader.Create(new MemoryStream(bytes, writable: false), SafeXmlReaderSettings);
        return _xmlParser.DeserializeResource(reader);
    }

    public static readonly JsonWriterOptions CompactWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonWriterOptions IndentedWriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly XmlWriterSettings CompactXml = new() { Encoding = new UTF8Encoding(false) };

    private static readonly XmlWriterSettings IndentedXml = new() { Encoding = new UTF8Encoding(false), Indent = true };

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

    /// <summary>Writes an element that is not a resource, such as a Bundle entry's <c>search</c>.</summary>
    public void WriteJson(Utf8JsonWriter writer, Base element) => _filteringJson.Serialize(element, writer);

    /// <summary>Serializes to a buffer: the XML writer is synchronous and response bodies are not.</summary>
    public byte[] ToXml(Resource resource, SerializationFilter? filter, bool pretty)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, pretty ? IndentedXml : CompactXml))
        {
            _xml.Serialize(resource, writer, () => filter!, null!);
        }

        return buffer.ToArray();
    }
}
