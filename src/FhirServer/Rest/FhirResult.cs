using System.Text;
using System.Text.Json;
using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Serialization;
using Hl7.Fhir.Model;
using Microsoft.Net.Http.Headers;

namespace FhirMh.FhirServer.Rest;

/// <summary>
/// Writes a <see cref="FhirResponse"/>: status, ETag, Last-Modified, Location and the body. A plain
/// JSON read writes the stored text as it is; anything else goes through the SDK serializers.
/// </summary>
internal sealed class FhirResult(FhirResponse response, OutputOptions output, string baseUrl) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var http = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        if (response.Version is { } version)
        {
            http.Headers.ETag = version.ETag;
            http.Headers.LastModified = HeaderUtilities.FormatDate(version.LastUpdated.ToDateTimeOffset());
        }

        if (response.Location is { } location)
        {
            http.Headers.Location = $"{baseUrl}/{location}";
        }

        if (response.Searchset is { } searchset)
        {
            await WriteSearchsetAsync(httpContext, searchset);
            return;
        }

        var (body, isStoredBody, status) = Body();
        http.StatusCode = status;
        if (body is null && !isStoredBody)
        {
            return;
        }

        var serializers = httpContext.RequestServices.GetRequiredService<FhirSerializers>();
        http.ContentType = MediaTypes.ContentType(output.Format);

        // JSON and XML of one version share its ETag, so caches must key on Accept too (RFC 9110 12.5.5).
        http.Headers.Vary = "Accept";
        var filter = output.Filter;
        if (isStoredBody && output.Format == ResourceFormat.Json && filter is null && !output.IsPretty)
        {
            // The stored JSON already has id, meta.versionId and meta.lastUpdated: no parse, no serialize.
            var utf8 = Encoding.UTF8.GetBytes(response.Version!.Json!);
            http.ContentLength = utf8.Length;
            await http.Body.WriteAsync(utf8, cancellationToken);
            return;
        }

        var resource = body ?? serializers.ParseJson(response.Version!.Json!);
        if (output.Format == ResourceFormat.Xml)
        {
            var xml = serializers.ToXml(resource, filter, output.IsPretty);
            http.ContentLength = xml.Length;
            await http.Body.WriteAsync(xml, cancellationToken);
            return;
        }

        await using (var writer = new Utf8JsonWriter(http.BodyWriter, output.IsPretty ? FhirSerializers.IndentedWriterOptions : FhirSerializers.CompactWriterOptions))
        {
            serializers.WriteJson(writer, resource, filter);
        }

        await http.BodyWriter.FlushAsync(cancellationToken);
    }

    private async Task WriteSearchsetAsync(HttpContext httpContext, Searchset searchset)
    {
        var http = httpContext.Response;
        var serializers = httpContext.RequestServices.GetRequiredService<FhirSerializers>();
        http.StatusCode = response.StatusCode;
        http.ContentType = MediaTypes.ContentType(output.Format);
        http.Headers.Vary = "Accept";
        if (output.Format == ResourceFormat.Xml)
        {
            var xml = serializers.ToXml(SearchsetWriter.ToBundle(searchset, serializers, output.Filter), null, output.IsPretty);
            http.ContentLength = xml.Length;
            await http.Body.WriteAsync(xml, httpContext.RequestAborted);
            return;
        }

        await using (var writer = new Utf8JsonWriter(http.BodyWriter, output.IsPretty ? FhirSerializers.IndentedWriterOptions : FhirSerializers.CompactWriterOptions))
        {
            SearchsetWriter.WriteJson(writer, searchset, serializers, output.Filter);
        }

        await http.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }

    /// <summary>
    /// What the body is: a resource made for the response, the stored version, or nothing
    /// (204, 304, <c>Prefer: return=minimal</c>). <c>Prefer: return=OperationOutcome</c> on a
    /// write answers with an outcome instead (http.html#ops).
    /// </summary>
    private (Resource? Body, bool IsStoredBody, int Status) Body()
    {
        var status = response.StatusCode;
        if (response.IsWrite && output.PreferReturn == PreferReturn.OperationOutcome)
        {
            // An outcome is a body, so a 204 becomes a 200.
            return (OperationOutcomes.Written(Describe(), response.Issues), false, status == StatusCodes.Status204NoContent ? StatusCodes.Status200OK : status);
        }

        if (status is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified ||
            (response.IsWrite && output.PreferReturn == PreferReturn.Minimal))
        {
            return (null, false, status);
        }

        return response.Resource is { } made ? (made, false, status) : (null, response.Version?.Json is not null, status);
    }

    private string Describe()
    {
        var v = response.Version;
        return v is null
            ? "Nothing to delete: the resource does not exist."
            : $"{v.ResourceType}/{v.ResourceId} is at version {v.VersionId}{(v.IsDeleted ? " (deleted)" : string.Empty)}.";
    }
}
