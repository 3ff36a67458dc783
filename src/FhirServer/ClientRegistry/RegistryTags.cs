using FhirMh.FhirServer.Validation;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>
/// The tags (meta.tag) of the registry-tag CodeSystem in profiles/ that the client registry puts
/// on the Patients it manages, so that <c>Patient?_tag=…|golden-record</c> lists golden records
/// and <c>…|possible-duplicate</c> the review queue.
/// </summary>
internal sealed class RegistryTags(CanonicalBase canonical)
{
    public const string GoldenRecord = "golden-record";

    public const string SourceRecord = "source-record";

    public const string PossibleDuplicate = "possible-duplicate";

    public const string Reviewed = "registry-reviewed";

    public string System { get; } = canonical.Of("CodeSystem/registry-tag");

    public bool Has(Resource resource, string code) => resource.Meta?.Tag.Any(t => t.System == System && t.Code == code) == true;

    /// <summary>Adds the tag when <paramref name="isOn"/> and it is missing, removes it otherwise.</summary>
    public void Set(Resource resource, string code, bool isOn)
    {
        resource.Meta ??= new Meta();
        var present = Has(resource, code);
        if (isOn && !present)
        {
            resource.Meta.Tag.Add(new Coding(System, code));
        }
        else if (!isOn && present)
        {
            resource.Meta.Tag.RemoveAll(t => t.System == System && t.Code == code);
        }
    }
}
