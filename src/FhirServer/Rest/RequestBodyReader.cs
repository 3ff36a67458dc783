using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using FhirMh.FhirServer.Hosting;
using FhirMh.FhirServer.Interactions.Patch;
using FhirMh.FhirServer.Serialization;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Rest;

/// <summary>
/// Reads and parses a request body within the configured size limit. The body is buffered
/// first: the XML parser is synchronous and request streams are not.
/// </summary>
internal sealed class RequestBodyReader(FhirSerializers serializers, IOptions<LimitsOptions> limits)
{
    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    public async Task<Resource> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var contentType = request.ContentType;
        if (string.IsNullOrWhiteSpace(contentType))
        {
            throw UnsupportedMediaType("The request has a body but no Content-Type.");
        }

        var format = MediaTypes.Recognise(contentType)
            ?? throw UnsupportedMediaType($"Content-Type '{contentType}' is not supported: use {MediaTypes.FhirJson} or {MediaTypes.FhirXml}.");
        var body = await ReadBoundedAsync(request, cancellationToken);
        if (body.Length == 0)
        {
            throw FhirException.BadRequest("The request body is empty; a resource is required.");
        }

        return BodyParseErrors.Parse(
            () => format == ResourceFormat.Json ? serializers.ParseJson(body.Span) : serializers.ParseXml(body),
            StatusCodes.Status400BadRequest);
    }

    /// <summary>
    /// Reads a patch: a JSON Patch document (RFC 6902) as <c>application/json-patch+json</c>, or a
    /// FHIRPath Patch (a Parameters resource) in FHIR JSON or XML (http.html#patch).
    /// </summary>
    public async Task<IPatchDocument> ReadPatchAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var mediaType = request.ContentType?.Split(';', 2)[0].Trim();
        if (!string.Equals(mediaType, MediaTypes.JsonPatch, StringComparison.OrdinalIgnoreCase))
        {
            if (MediaTypes.Recognise(request.ContentType) is null)
            {
                throw UnsupportedMediaType(
                    $"PATCH bodies are JSON Patch ({MediaTypes.JsonPatch}) or FHIRPath Patch ({MediaTypes.FhirJson}, {MediaTypes.FhirXml}); Content-Type '{request.ContentType}' is neither.");
            }

            return FhirPathPatchDocument.Parse(await ReadAsync(request, cancellationToken));
        }

        return ParseJsonPatch(await ReadBoundedAsync(request, cancellationToken));
    }

    /// <summary>Parses a JSON Patch document (RFC 6902), from a request body or a Bundle entry's Binary.</summary>
    /// <exception cref="FhirException">400 when it is not JSON or not a JSON Patch.</exception>
    public IPatchDocument ParseJsonPatch(ReadOnlyMemory<byte> body)
    {
        body = WithoutByteOrderMark(body);
        try
        {
            // Duplicate keys would only fail later, when first read; refuse them here (a 400).
            var document = JsonNode.Parse(
                body.Span,
                documentOptions: new JsonDocumentOptions { MaxDepth = limits.Value.MaxJsonDepth, AllowDuplicateProperties = false });
            return new JsonPatchBody(JsonPatchDocument.Parse(document));
        }
        catch (JsonException e)
        {
            throw BodyParseErrors.From(e);
        }
        catch (JsonPatchException e)
        {
            throw FhirException.BadRequest(e.Message, e.OperationIndex >= 0 ? $"[{e.OperationIndex}]" : null);
        }
    }

    private async Task<ReadOnlyMemory<byte>> ReadBoundedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var max = limits.Value.MaxBodyBytes;
        if (request.ContentLength > max)
        {
            throw TooLarge(max);
        }

        // Grows as bytes arrive, so a declared Content-Length alone reserves no memory.
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(8192), cancellationToken);
            if (read == 0)
            {
                return WithoutByteOrderMark(buffer.WrittenMemory);
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > max)
            {
                throw TooLarge(max);
            }
        }
    }

    /// <summary>The body without a UTF-8 byte order mark, which some Windows clients still send and JSON readers refuse.</summary>
    private static ReadOnlyMemory<byte> WithoutByteOrderMark(ReadOnlyMemory<byte> body) =>
        body.Span.StartsWith(Utf8ByteOrderMark) ? body[Utf8ByteOrderMark.Length..] : body;

    private static FhirException TooLarge(long max) => FhirException.Of(
        StatusCodes.Status413PayloadTooLarge,
        OperationOutcome.IssueType.TooLong,
        $"The request body is larger than the limit of {max} bytes (Limits:MaxBodyBytes).");

    private static FhirException UnsupportedMediaType(string diagnostics) => FhirException.Of(
        StatusCodes.Status415UnsupportedMediaType, OperationOutcome.IssueType.NotSupported, diagnostics);
}
