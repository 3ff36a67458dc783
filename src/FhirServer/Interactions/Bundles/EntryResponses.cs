using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Serialization;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.WebUtilities;

namespace FhirMh.FhirServer.Interactions.Bundles;

/// <summary>
/// The entries of a batch-response or transaction-response (http.html#transaction-response):
/// status, location, ETag and last modified of each interaction, with the resource as the
/// client's <c>Prefer: return</c> asks (a read always returns it, a HEAD never).
/// </summary>
internal sealed class EntryResponses(FhirSerializers serializers)
{
    public Bundle.EntryComponent Succeeded(EntryRequest entry, FhirResponse response, string baseUrl, PreferReturn preferReturn)
    {
        var status = response.StatusCode;
        var result = new Bundle.EntryComponent
        {
            Response = new Bundle.ResponseComponent { Status = StatusLine(status), Location = response.Location },
        };
        if (response.Version is { } version)
        {
            result.FullUrl = $"{baseUrl}/{version.ResourceType}/{version.ResourceId}";
            result.Response.Etag = version.ETag;
            result.Response.LastModified = version.LastUpdated.ToDateTimeOffset();
        }

        if (entry.Method == Bundle.HTTPVerb.HEAD || status is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified)
        {
            return result;
        }

        if (!response.IsWrite)
        {
            result.Resource = response.Resource ?? Stored(response);
            return result;
        }

        switch (preferReturn)
        {
            case PreferReturn.Representation:
                result.Resource = Stored(response);
                break;
            case PreferReturn.OperationOutcome:
                var v = response.Version!;
                result.Response.Outcome = OperationOutcomes.Written($"{v.ResourceType}/{v.ResourceId} is at version {v.VersionId}.", response.Issues);
                break;
        }

        return result;
    }

    public static Bundle.EntryComponent Failed(int status, OperationOutcome outcome) =>
        new() { Response = new Bundle.ResponseComponent { Status = StatusLine(status), Outcome = outcome } };

    /// <summary>The status as Bundle.entry.response.status carries it: the code, then the reason phrase, e.g. <c>201 Created</c>.</summary>
    public static string StatusLine(int status) => $"{status} {ReasonPhrases.GetReasonPhrase(status)}".TrimEnd();

    private Resource? Stored(FhirResponse response) => response switch
    {
        { Searchset: { } searchset } => Rest.SearchsetWriter.ToBundle(searchset, serializers, null),
        { Version: { IsDeleted: false, Json: { } json } } => serializers.ParseJson(json),
        _ => null,
    };
}
