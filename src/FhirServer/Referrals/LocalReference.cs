using FhirMh.FhirServer.Search;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Referrals;

/// <summary>The <c>Type/id</c> a reference names on this server (references.html#literal).</summary>
internal static class LocalReference
{
    /// <summary>
    /// <c>Type/id</c> of a relative reference, or of an absolute one under <paramref name="baseUrl"/>;
    /// null for a contained, external or logical reference, which names nothing stored here.
    /// </summary>
    public static string? Of(ResourceReference? reference, string baseUrl)
    {
        if (reference?.Reference is not { Length: > 0 } text)
        {
            return null;
        }

        if (baseUrl.Length > 0 && text.StartsWith(baseUrl + "/", StringComparison.Ordinal))
        {
            text = text[(baseUrl.Length + 1)..];
        }

        return ReferenceValue.Parse(text) is { TargetType: { } type, TargetId: { } id } ? $"{type}/{id}" : null;
    }
}
