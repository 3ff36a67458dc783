using FhirMh.FhirServer.Search.Parsing;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Search.Paging;

/// <summary>
/// The links of a searchset (search.html#paging): the parameters the server applied, in their
/// order, and the page token. Ignored parameters are left out of <c>self</c> (search.html#errors).
/// </summary>
internal sealed class SearchLinks(string path, ParsedSearch search)
{
    private readonly string _query = string.Join('&', search.Applied.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));

    public Bundle.LinkComponent Link(string relation, string? pageToken)
    {
        var query = pageToken is null ? _query : (_query.Length == 0 ? string.Empty : _query + "&") + "_page=" + pageToken;
        return new Bundle.LinkComponent { Relation = relation, Url = query.Length == 0 ? path : $"{path}?{query}" };
    }
}
