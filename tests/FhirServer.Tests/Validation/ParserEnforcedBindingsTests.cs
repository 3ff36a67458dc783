#pragma warning disable ExperimentalApi // Firely's Validator settings and schema resolver, as the server uses them
using FhirMh.FhirServer.Validation;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace FhirMh.FhirServer.Tests.Validation;

/// <summary>
/// Required bindings on code enums are enforced by the parser, so the validator leaves them out;
/// every other binding still reaches the terminology service.
/// </summary>
public sealed class ParserEnforcedBindingsTests
{
    private static readonly IAsyncResourceResolver Specification = new CachedResolver(ZipSource.CreateValidationSource());

    [Fact]
    public void CodeEnumsBoundToTheirOwnValueSet_AreNotSentToTheTerminologyService()
    {
        var (validator, terminology) = NewValidator();
        var patient = new Patient
        {
            Gender = AdministrativeGender.Female,
            Name = [new HumanName { Use = HumanName.NameUse.Official, Family = "Mensah" }],
            Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Mobile, "+233 20 000 0000")],
        };

        var outcome = validator.Validate(patient);

        Assert.True(outcome.Success, outcome.ToString());
        Assert.Empty(terminology.Requests);
    }

    [Fact]
    public void RequiredBindingOnACodeableConcept_IsStillChecked()
    {
        var (validator, terminology) = NewValidator();
        var condition = new Condition
        {
            Subject = new ResourceReference("Patient/p1"),
            ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-clinical", "bogus"),
        };

        var outcome = validator.Validate(condition);

        Assert.Contains(terminology.Requests, url => url.StartsWith("http://hl7.org/fhir/ValueSet/condition-clinical", StringComparison.Ordinal));
        Assert.Contains(outcome.Issue, i => i.Code == OperationOutcome.IssueType.CodeInvalid);
    }

    /// <summary>
    /// The SDK's comparator enum is shared with later FHIR versions and holds <c>ad</c>, which the
    /// parser accepts and R4's quantity-comparator value set does not: that binding stays checked.
    /// </summary>
    [Fact]
    public void CodeEnumWithCodesOutsideTheR4ValueSet_IsStillChecked()
    {
        var (validator, terminology) = NewValidator();
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "44261-6"),
            Value = new Quantity { Value = 12, Comparator = Quantity.QuantityComparator.Ad },
        };

        var outcome = validator.Validate(observation);

        Assert.Contains(terminology.Requests, url => url.StartsWith("http://hl7.org/fhir/ValueSet/quantity-comparator", StringComparison.Ordinal));
        Assert.Contains(outcome.Issue, i => i.Code == OperationOutcome.IssueType.CodeInvalid && i.Severity == OperationOutcome.IssueSeverity.Error);
        Assert.DoesNotContain(terminology.Requests, url => url.StartsWith("http://hl7.org/fhir/ValueSet/observation-status", StringComparison.Ordinal));
    }

    private static (Validator Validator, CountingTerminology Terminology) NewValidator()
    {
        var enforced = new ParserEnforcedBindings();
        var settings = new ValidationSettings();
        settings.ExcludeFilters.Add(enforced.IsEnforced);
        var terminology = new CountingTerminology(new LocalTerminologyService(Specification));
        return (new Validator(Specification, terminology, referenceResolver: null, settings, enforced.SchemaResolver(Specification)), terminology);
    }

    /// <summary>Records the value set of every $validate-code request the validator makes.</summary>
    private sealed class CountingTerminology(ICodeValidationTerminologyService inner) : ICodeValidationTerminologyService
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Requests { get; } = new();

        public Task<Parameters> ValueSetValidateCode(Parameters parameters, string? id = null, bool useGet = false)
        {
            Requests.Enqueue((parameters.GetSingle("url")?.Value as PrimitiveType)?.ToString() ?? "(none)");
            return inner.ValueSetValidateCode(parameters, id, useGet);
        }

        public Task<Parameters> Subsumes(Parameters parameters, string? id = null, bool useGet = false) => inner.Subsumes(parameters, id, useGet);
    }
}
