using Hl7.Fhir.Rest;
using Hl7.Fhir.Serialization;

namespace FhirMh.FhirServer.Rest;

/// <summary>
/// How a response body is written: format, <c>_pretty</c>, <c>_summary</c>, <c>_elements</c>
/// (search.html#summary, search.html#elements) and <c>Prefer: return</c>.
/// </summary>
internal sealed record OutputOptions(
    ResourceFormat Format,
    bool IsPretty,
    SummaryType? Summary,
    string[]? Elements,
    PreferReturn PreferReturn)
{
    public static readonly OutputOptions Default = new(ResourceFormat.Json, false, null, null, PreferReturn.Representation);

    /// <summary>
    /// A filter for the SDK serializers, or null when the whole resource is wanted. <c>_elements</c>
    /// keeps <c>id</c> and <c>meta</c> too: without them a client cannot tell which version of which
    /// resource it got (search.html#elements asks for the mandatory elements; these identify it).
    /// </summary>
    public SerializationFilter? Filter =>
        Summary is null or SummaryType.False && Elements is null
            ? null
            : (Summary ?? SummaryType.False).GetSerializationFilter(
                Elements is null ? null : [.. Elements.Union(["id", "meta"])], includeMandatoryInElementsSummary: true);

    /// <exception cref="FhirException">406 for an unusable format, 400 for a bad <c>_summary</c>.</exception>
    public static OutputOptions From(HttpRequest request)
    {
        var query = request.Query;
        var format = NegotiateFormat(query["_format"].ToString(), request.Headers.Accept.ToString());
        return new OutputOptions(
            format,
            IsPretty: string.Equals(query["_pretty"].ToString(), "true", StringComparison.OrdinalIgnoreCase),
            Summary: ParseSummary(query["_summary"].ToString()),
            Elements: ParseElements(query["_elements"].ToString()),
            PreferReturn: ParsePrefer(request.Headers["Prefer"].ToString()));
    }

    /// <summary>The format an error should be written in, never failing.</summary>
    public static ResourceFormat FormatForErrors(HttpRequest request)
    {
        var requested = request.Query["_format"].ToString();
        return MediaTypes.Recognise(requested) ?? MediaTypes.FromAccept(request.Headers.Accept.ToString()) ?? ResourceFormat.Json;
    }

    private static ResourceFormat NegotiateFormat(string formatParameter, string accept)
    {
        if (formatParameter.Length > 0)
        {
            return MediaTypes.Recognise(formatParameter) ?? throw FhirException.Of(
                StatusCodes.Status406NotAcceptable,
                Hl7.Fhir.Model.OperationOutcome.IssueType.NotSupported,
                $"_format '{formatParameter}' is not supported: use json, xml, {MediaTypes.FhirJson} or {MediaTypes.FhirXml}.",
                "_format");
        }

        return MediaTypes.FromAccept(accept) ?? throw FhirException.Of(
            StatusCodes.Status406NotAcceptable,
            Hl7.Fhir.Model.OperationOutcome.IssueType.NotSupported,
            $"None of the media types in Accept '{accept}' can be produced: use {MediaTypes.FhirJson} or {MediaTypes.FhirXml}.");
    }

    private static SummaryType? ParseSummary(string value) => value switch
    {
        "" => null,
        "true" => SummaryType.True,
        "false" => SummaryType.False,
        "text" => SummaryType.Text,
        "data" => SummaryType.Data,
        "count" => SummaryType.Count,
        _ => throw FhirException.BadRequest($"_summary must be one of true, text, data, count, false; not '{value}'.", "_summary"),
    };

    private static string[]? ParseElements(string value) =>
        value.Length == 0 ? null : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static PreferReturn ParsePrefer(string prefer)
    {
        foreach (var preference in prefer.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            switch (preference)
            {
                case "return=minimal":
                    return PreferReturn.Minimal;
                case "return=OperationOutcome":
                    return PreferReturn.OperationOutcome;
                case "return=representation":
                    return PreferReturn.Representation;
            }
        }

        return PreferReturn.Representation;
    }
}
