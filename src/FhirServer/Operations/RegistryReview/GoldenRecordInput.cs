using FhirMh.FhirServer.Rest;

namespace FhirMh.FhirServer.Operations.RegistryReview;

/// <summary>The <c>goldenRecord</c> parameter of the review operations: a Reference to a Patient on this server.</summary>
internal static class GoldenRecordInput
{
    public const string Name = "goldenRecord";

    /// <exception cref="FhirException">400 when it is missing or does not name a Patient of this server.</exception>
    public static string IdOf(OperationInput input, string baseUrl)
    {
        var reference = OperationInput.Required(input.Reference(Name), Name, "a Reference to the golden record (Patient/{id})").Reference ?? string.Empty;
        var relative = reference.StartsWith(baseUrl + "/", StringComparison.Ordinal) ? reference[(baseUrl.Length + 1)..] : reference;
        var parts = relative.Split('/');
        return parts is ["Patient", { Length: > 0 } id]
            ? id
            : throw FhirException.BadRequest($"goldenRecord '{reference}' is not a reference to a Patient of this server (Patient/{{id}}).", Name);
    }
}
