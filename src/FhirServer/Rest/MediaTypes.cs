namespace FhirMh.FhirServer.Rest;

/// <summary>
/// Content negotiation per http.html#mime-type: <c>_format</c> wins over <c>Accept</c>;
/// JSON is the default; the FHIR, generic and text XML/JSON types are all understood.
/// </summary>
internal static class MediaTypes
{
    public const string FhirJson = "application/fhir+json";
    public const string FhirXml = "application/fhir+xml";
    public const string JsonPatch = "application/json-patch+json";

    /// <summary>The format named by a media type or a <c>_format</c> short name, or null when it is neither.</summary>
    public static ResourceFormat? Recognise(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        var mediaType = (semicolon >= 0 ? value[..semicolon] : value).Trim().ToLowerInvariant();
        return mediaType switch
        {
            "json" or FhirJson or "application/json" or "application/json+fhir" or "text/json" => ResourceFormat.Json,
            "xml" or FhirXml or "application/xml" or "application/xml+fhir" or "text/xml" => ResourceFormat.Xml,
            _ => null,
        };
    }

    /// <summary>The response format for an <c>Accept</c> header, or null when it accepts nothing FHIR can give.</summary>
    public static ResourceFormat? FromAccept(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return ResourceFormat.Json;
        }

        ResourceFormat? best = null;
        var bestQuality = -1.0;
        foreach (var range in accept.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var quality = Quality(range);
            if (quality <= bestQuality || quality <= 0)
            {
                continue;
            }

            var mediaType = range.Split(';', 2)[0].Trim();
            var format = mediaType is "*/*" or "application/*" ? ResourceFormat.Json : Recognise(mediaType);
            if (format is not null)
            {
                best = format;
                bestQuality = quality;
            }
        }

        return best;
    }

    public static string ContentType(ResourceFormat format) =>
        format == ResourceFormat.Xml ? FhirXml + "; charset=utf-8" : FhirJson + "; charset=utf-8";

    private static double Quality(string range)
    {
        foreach (var parameter in range.Split(';').Skip(1))
        {
            var pair = parameter.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length == 2 && pair[0] == "q" &&
                double.TryParse(pair[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var q))
            {
                return q;
            }
        }

        return 1.0;
    }
}
