using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// The score weight of an answer. R4 puts it in the <c>ordinalValue</c> extension
/// (http://hl7.org/fhir/R4/extension-ordinalvalue.html) and SDC 4.0 renamed it <c>itemWeight</c>;
/// both are read, on an answerOption, its Coding, a ValueSet concept or a CodeSystem concept.
/// </summary>
internal static class AnswerWeight
{
    public const string OrdinalValueUrl = "http://hl7.org/fhir/StructureDefinition/ordinalValue";

    public const string ItemWeightUrl = "http://hl7.org/fhir/StructureDefinition/itemWeight";

    public static decimal? Of(IExtendable? element)
    {
        if (element is null)
        {
            return null;
        }

        var extension = element.GetExtension(ItemWeightUrl) ?? element.GetExtension(OrdinalValueUrl);
        return (extension?.Value as FhirDecimal)?.Value;
    }
}
