using Hl7.Fhir.FhirPath;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;

namespace FhirMh.FhirServer.Subscriptions;

/// <summary>
/// A topic this server ships (R5 SubscriptionTopic, offered to R4 clients through the backport):
/// the resources that trigger it, each with the search criteria a change must meet, and the
/// filters a subscriber may narrow it with. Topics are data: adding one is adding an entry.
/// </summary>
/// <param name="Url">The canonical a Subscription names in <c>criteria</c>.</param>
/// <param name="Title">What the topic is about, for the CapabilityStatement.</param>
/// <param name="Triggers">Per resource type, what its changes must match (R5 SubscriptionTopic.resourceTrigger).</param>
/// <param name="Filters">The filter parameters a subscriber may use: each maps a resource type to its search parameter.</param>
internal sealed record SubscriptionTopic(
    string Url,
    string Title,
    IReadOnlyDictionary<string, TopicTrigger> Triggers,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Filters);

/// <summary>
/// What a change of one resource type must meet to belong to a topic, as R5's resourceTrigger
/// puts it: search criteria (queryCriteria, without the type), and where no search parameter
/// exists, a FHIRPath expression (fhirPathCriteria) that must select something.
/// </summary>
internal sealed record TopicTrigger(string Query, CompiledExpression? FhirPath = null);

/// <summary>The topics of <see cref="SubscriptionTopic"/> this server ships.</summary>
internal sealed class SubscriptionTopics
{
    /// <summary>A filter meaning "the patient the resource is about is managed by this organization" (Patient.managingOrganization).</summary>
    public const string PatientOrganization = "patient-organization";

    private static readonly FhirPathCompiler Compiler = new(new SymbolTable().AddStandardFP().AddFhirExtensions());

    public SubscriptionTopics(Validation.CanonicalBase canonicalBase)
    {
        ReferralTask = new SubscriptionTopic(
            canonicalBase.Of("SubscriptionTopic/referral-task"),
            "Referral Task changes: a referral (Task with code fulfill) is created or changes",
            new Dictionary<string, TopicTrigger> { ["Task"] = new("code=http://hl7.org/fhir/CodeSystem/task-code|fulfill") },
            new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["requester"] = new Dictionary<string, string> { ["Task"] = "requester" },
                ["owner"] = new Dictionary<string, string> { ["Task"] = "owner" },
                ["status"] = new Dictionary<string, string> { ["Task"] = "status" },
            });

        // The alert the questionnaire checks raise on a positive self-harm answer: a safety Flag
        // and a stat Task, both coded (Questionnaires/SelfHarmAlert). R4 has no search parameter
        // on Flag.category or Flag.code, hence FHIRPath for the Flag.
        SafetyAlert = new SubscriptionTopic(
            canonicalBase.Of("SubscriptionTopic/safety-alert"),
            "Safety alerts: a positive self-harm screen raised a safety Flag and a Task for a clinician",
            new Dictionary<string, TopicTrigger>
            {
                ["Task"] = new("code=http://loinc.org|44260-8"),
                ["Flag"] = new(string.Empty, Compiler.Compile(
                    "Flag.category.coding.where(system = 'http://terminology.hl7.org/CodeSystem/flag-category' and code = 'safety')" +
                    ".exists() and Flag.code.coding.where(system = 'http://loinc.org' and code = '44260-8').exists()")),
            },
            new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["owner"] = new Dictionary<string, string> { ["Task"] = "owner" },
                ["organization"] = new Dictionary<string, string> { ["Task"] = PatientOrganization, ["Flag"] = PatientOrganization },
            });
        All = [ReferralTask, SafetyAlert];
    }

    public SubscriptionTopic ReferralTask { get; }

    public SubscriptionTopic SafetyAlert { get; }

    public IReadOnlyList<SubscriptionTopic> All { get; }

    public SubscriptionTopic? Find(string url) => All.FirstOrDefault(t => t.Url == url);
}
