using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// Mental-health answers and what is derived from them are restricted by default: v3
/// confidentiality R and sensitivity MH in <c>meta.security</c>, so that consent rules can
/// target them (security-labels.html).
/// </summary>
internal static class SensitivityLabels
{
    public static readonly Coding Restricted = new("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R", "restricted");

    public static readonly Coding MentalHealth = new("http://terminology.hl7.org/CodeSystem/v3-ActCode", "MH", "mental health information sensitivity");

    /// <summary>Adds the labels the resource does not carry yet; labels already there stay.</summary>
    public static void Apply(Resource resource)
    {
        resource.Meta ??= new Meta();
        foreach (var label in (Coding[])[Restricted, MentalHealth])
        {
            if (!resource.Meta.Security.Any(s => s.System == label.System && s.Code == label.Code))
            {
                resource.Meta.Security.Add((Coding)label.DeepCopy());
            }
        }
    }
}
