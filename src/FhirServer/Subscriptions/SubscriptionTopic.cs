namespace FhirMh.FhirServer.Subscriptions;

/// <summary>
/// A topic this server ships (R5 SubscriptionTopic, offered to R4 clients through the backport):
/// the resources that trigger it, each with the search criteria a change must meet, and the
/// filters a subscriber may narrow it with. Topics are data: adding one is adding an entry.
/// </summary>
/// <param name="Url">The canonical a Subscription names in <c>criteria</c>.</param>
/// <param name="Title">What the topic is about, for the CapabilityStatement.</param>
/// <param name="Triggers">Per resource type, the search query (without the type) its changes must match.</param>
/// <param name="Filters">The filter parameters a subscriber may use: each maps a resource type to its search parameter.</param>
internal sealed record SubscriptionTopic(
    string Url,
    string Title,
    IReadOnlyDictionary<string, string> Triggers,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Filters);

/// <summary>The topics of <see cref="SubscriptionTopic"/> this server ships.</summary>
internal sealed class SubscriptionTopics
{
    /// <summary>A filter meaning "the patient the resource is about is managed by this organization" (Patient.managingOrganization).</summary>
    public const string PatientOrganization = "patient-organization";

    public SubscriptionTopics(Validation.CanonicalBase canonicalBase)
    {
        ReferralTask = new SubscriptionTopic(
            canonicalBase.Of("SubscriptionTopic/referral-task"),
            "Referral Task changes: a referral (Task with code fulfill) is created or changes",
            new Dictionary<string, string> { ["Task"] = "code=http://hl7.org/fhir/CodeSystem/task-code|fulfill" },
            new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["requester"] = new Dictionary<string, string> { ["Task"] = "requester" },
                ["owner"] = new Dictionary<string, string> { ["Task"] = "owner" },
                ["status"] = new Dictionary<string, string> { ["Task"] = "status" },
            });

        // The alert the questionnaire checks raise on a positive self-harm answer: a safety Flag
        // and a stat Task, both coded (Questionnaires/SelfHarmAlert).
        SafetyAlert = new SubscriptionTopic(
            canonicalBase.Of("SubscriptionTopic/safety-alert"),
            "Safety alerts: a positive self-harm screen raised a safety Flag and a Task for a clinician",
            new Dictionary<string, string>
            {
                ["Task"] = "code=http://loinc.org|44260-8",
                ["Flag"] = "category=http://terminology.hl7.org/CodeSystem/flag-category|safety",
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
