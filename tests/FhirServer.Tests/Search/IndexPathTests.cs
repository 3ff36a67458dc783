using System.Text.Json;
using FhirMh.FhirServer.Search.Parameters;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirMh.FhirServer.Tests.Search;

/// <summary>
/// Branches that only navigate are walked over the model's members instead of through the FHIRPath
/// engine; for every R4 search parameter of these types both must select the very same elements.
/// </summary>
public sealed class IndexPathTests
{
    private static readonly JsonSerializerOptions Options = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    public static TheoryData<string> Resources() =>
    [
        """{"resourceType":"Patient","id":"p1","meta":{"lastUpdated":"2026-11-01T10:00:00Z","profile":["https://fhirmh.org/fhir/StructureDefinition/mh-patient"],"tag":[{"system":"urn:t","code":"a"}]},"active":true,"identifier":[{"system":"urn:id","value":"1"},{"use":"old","value":"2"}],"name":[{"family":"Mensah","given":["Ama","Efua"]},{"text":"Ama M"}],"telecom":[{"system":"phone","value":"+233"},{"system":"email","value":"a@b.c"}],"gender":"female","birthDate":"1990-02-03","deceasedBoolean":false,"address":[{"city":"Accra","country":"GH","line":["1 Road"]}],"generalPractitioner":[{"reference":"Practitioner/x"}],"managingOrganization":{"reference":"Organization/o"},"link":[{"other":{"reference":"Patient/p2"},"type":"seealso"}],"communication":[{"language":{"coding":[{"system":"urn:ietf:bcp:47","code":"en"}]}}]}""",
        """{"resourceType":"Observation","id":"o1","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"survey"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}],"text":"PHQ-9"},"subject":{"reference":"Patient/p1"},"encounter":{"reference":"Encounter/e1"},"effectivePeriod":{"start":"2026-11-01","end":"2026-11-02"},"performer":[{"reference":"Practitioner/x"},{"reference":"Organization/o"}],"valueQuantity":{"value":12,"unit":"{score}","system":"http://unitsofmeasure.org","code":"{score}"},"derivedFrom":[{"reference":"QuestionnaireResponse/q"}],"component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":120,"code":"mm[Hg]"}}],"basedOn":[{"reference":"ServiceRequest/s"}],"partOf":[{"reference":"Procedure/x"}],"specimen":{"reference":"Specimen/s"},"device":{"reference":"Device/d"},"method":{"text":"m"},"dataAbsentReason":{"text":"n"},"focus":[{"reference":"Condition/c"}],"hasMember":[{"reference":"Observation/o2"}]}""",
        """{"resourceType":"Practitioner","id":"x","active":true,"identifier":[{"system":"urn:npi","value":"9"}],"name":[{"family":"Owusu","given":["Kofi"],"prefix":["Dr"]}],"telecom":[{"system":"phone","value":"1"}],"address":[{"city":"Kumasi","postalCode":"00233","state":"AS"}],"gender":"male","qualification":[{"code":{"text":"MD"}}],"communication":[{"text":"en"}]}""",
        """{"resourceType":"QuestionnaireResponse","id":"q","questionnaire":"https://fhirmh.org/fhir/Questionnaire/phq-9|1.0.0","status":"completed","subject":{"reference":"Patient/p1"},"authored":"2026-11-01T10:00:00Z","author":{"reference":"Patient/p1"},"source":{"reference":"Patient/p1"},"encounter":{"reference":"Encounter/e1"},"basedOn":[{"reference":"ServiceRequest/s"}],"partOf":[{"reference":"Observation/o1"}],"identifier":{"system":"urn:q","value":"1"},"item":[{"linkId":"44250-9","answer":[{"valueCoding":{"system":"http://loinc.org","code":"LA6568-5"}}]}]}""",
        """{"resourceType":"Task","id":"t","status":"requested","intent":"order","priority":"stat","code":{"coding":[{"system":"http://hl7.org/fhir/CodeSystem/task-code","code":"fulfill"}]},"focus":{"reference":"ServiceRequest/s"},"for":{"reference":"Patient/p1"},"authoredOn":"2026-11-01","lastModified":"2026-11-02","requester":{"reference":"PractitionerRole/r"},"owner":{"reference":"Organization/o"},"businessStatus":{"text":"x"},"identifier":[{"value":"t1"}],"groupIdentifier":{"value":"g"},"partOf":[{"reference":"Task/t0"}],"executionPeriod":{"start":"2026-11-01"},"basedOn":[{"reference":"ServiceRequest/s"}]}""",
        """{"resourceType":"Location","id":"l","status":"active","name":"Clinic","alias":["C1"],"type":[{"text":"clinic"}],"address":{"city":"Tamale","line":["Main St"]},"position":{"latitude":9.4,"longitude":-0.8},"managingOrganization":{"reference":"Organization/o"},"partOf":{"reference":"Location/l0"},"endpoint":[{"reference":"Endpoint/e"}],"identifier":[{"value":"L1"}],"operationalStatus":{"code":"O"}}""",
    ];

    [Theory]
    [MemberData(nameof(Resources))]
    public void MemberPaths_SelectWhatFhirPathSelects(string json)
    {
        var resource = JsonSerializer.Deserialize<Resource>(json, Options)!;
        var node = resource.ToPocoNode(ModelInfo.ModelInspector);
        var compared = 0;
        foreach (var parameter in ModelInfo.SearchParameters.Where(p => p.Resource == resource.TypeName && p.Expression is { Length: > 0 }))
        {
            foreach (var path in SearchParameterRegistry.CompileBranches(resource.TypeName, parameter.Expression!))
            {
                var walked = path.Select(resource, node, new FhirEvaluationContext()).ToList();
                var evaluated = path.Expression.Invoke([node], new FhirEvaluationContext()).Select(v => v.Poco).ToList();
                Assert.True(evaluated.SequenceEqual(walked, SameElement.Instance), $"{resource.TypeName} {parameter.Name}: {path.Source}");
                compared += evaluated.Count;
            }
        }

        Assert.True(compared > 5, $"only {compared} elements compared on {resource.TypeName}");
    }

    /// <summary>The same element of the resource; a value FHIRPath computes (a boolean) is new on every evaluation, so it compares by value.</summary>
    private sealed class SameElement : IEqualityComparer<object?>
    {
        public static readonly SameElement Instance = new();

        public new bool Equals(object? x, object? y) =>
            ReferenceEquals(x, y) || (x is PrimitiveType left && y is PrimitiveType right && left.ToString() == right.ToString());

        public int GetHashCode(object? obj) => 0;
    }
}
