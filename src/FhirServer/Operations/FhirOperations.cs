using FhirMh.FhirServer.Operations.EstimateWeights;
using FhirMh.FhirServer.Operations.IhePix;
using FhirMh.FhirServer.Operations.Match;
using FhirMh.FhirServer.Operations.RegistryReview;
using FhirMh.FhirServer.Operations.ReindexStatus;
using FhirMh.FhirServer.Operations.Validate;
using FhirMh.FhirServer.Operations.Terminology;

namespace FhirMh.FhirServer.Operations;

/// <summary>
/// The operations the server carries out. The dispatcher routes <c>[type]/$name</c> and
/// <c>[type]/[id]/$name</c> through this table, and the CapabilityStatement lists it, so the
/// two cannot disagree.
/// </summary>
internal static class FhirOperations
{
    public static readonly IReadOnlyList<FhirOperation> All =
    [
        new(ValidateOperation.Name, null, OnType: true, OnInstance: true, "http://hl7.org/fhir/OperationDefinition/Resource-validate", typeof(ValidateOperation)),
        new(Extract.ExtractOperation.Name, ["QuestionnaireResponse"], OnType: true, OnInstance: true, "http://hl7.org/fhir/uv/sdc/OperationDefinition/QuestionnaireResponse-extract", typeof(Extract.ExtractOperation)),
        new(ReindexStatusOperation.Name, ["SearchParameter"], OnType: false, OnInstance: true, "OperationDefinition/reindex-status", typeof(ReindexStatusOperation)),
        new(ExpandOperation.Name, ["ValueSet"], OnType: true, OnInstance: true, "http://hl7.org/fhir/OperationDefinition/ValueSet-expand", typeof(ExpandOperation)),
        new(ValueSetValidateCodeOperation.Name, ["ValueSet"], OnType: true, OnInstance: true, "http://hl7.org/fhir/OperationDefinition/ValueSet-validate-code", typeof(ValueSetValidateCodeOperation)),
        new(LookupOperation.Name, ["CodeSystem"], OnType: true, OnInstance: false, "http://hl7.org/fhir/OperationDefinition/CodeSystem-lookup", typeof(LookupOperation)),
        new(SubsumesOperation.Name, ["CodeSystem"], OnType: true, OnInstance: true, "http://hl7.org/fhir/OperationDefinition/CodeSystem-subsumes", typeof(SubsumesOperation)),
        new(CodeSystemValidateCodeOperation.Name, ["CodeSystem"], OnType: true, OnInstance: true, "http://hl7.org/fhir/OperationDefinition/CodeSystem-validate-code", typeof(CodeSystemValidateCodeOperation)),
        new(MatchOperation.Name, ["Patient"], OnType: true, OnInstance: false, "http://hl7.org/fhir/OperationDefinition/Patient-match", typeof(MatchOperation)),
        new(IhePixOperation.Name, ["Patient"], OnType: true, OnInstance: false, "https://profiles.ihe.net/ITI/PIXm/OperationDefinition/IHE.PIXm.pix", typeof(IhePixOperation)),
        new(EstimateWeightsOperation.Name, ["Patient"], OnType: true, OnInstance: false, "OperationDefinition/estimate-weights", typeof(EstimateWeightsOperation)) { AffectsState = true },
        new(PotentialMatchesOperation.Name, ["Patient"], OnType: false, OnInstance: true, "OperationDefinition/potential-matches", typeof(PotentialMatchesOperation)),
        new(LinkGoldenRecordOperation.Name, ["Patient"], OnType: false, OnInstance: true, "OperationDefinition/link-golden-record", typeof(LinkGoldenRecordOperation)) { AffectsState = true },
        new(PotentialDuplicates.PotentialDuplicatesOperation.Name, ["Practitioner", "Organization"], OnType: true, OnInstance: true, "OperationDefinition/potential-duplicates", typeof(PotentialDuplicates.PotentialDuplicatesOperation)),
        new(Disclosures.DisclosuresOperation.Name, ["Patient"], OnType: false, OnInstance: true, "OperationDefinition/disclosures", typeof(Disclosures.DisclosuresOperation)),
        new(SubscriptionStatus.SubscriptionStatusOperation.Name, ["Subscription"], OnType: true, OnInstance: true, "http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/backport-subscription-status", typeof(SubscriptionStatus.SubscriptionStatusOperation)),
        new(SubscriptionEvents.SubscriptionEventsOperation.Name, ["Subscription"], OnType: false, OnInstance: true, "http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/backport-subscription-events", typeof(SubscriptionEvents.SubscriptionEventsOperation)),
        new(CannotLinkOperation.Name, ["Patient"], OnType: false, OnInstance: true, "OperationDefinition/cannot-link", typeof(CannotLinkOperation)) { AffectsState = true },
    ];

    /// <summary>The operation <paramref name="name"/> on <paramref name="resourceType"/> at that level, or null.</summary>
    public static FhirOperation? Find(string name, string resourceType, bool onInstance) =>
        All.FirstOrDefault(o => o.Name == name && o.AppliesTo(resourceType) && (onInstance ? o.OnInstance : o.OnType));
}
