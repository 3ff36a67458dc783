using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// A positive answer to a risk item (PHQ-9 item 9, thoughts of self-harm) must reach a human:
/// in the same database transaction as the response, an active safety Flag on the patient and a
/// stat Task a clinician's worklist finds (<c>Task?status=requested&amp;priority=stat</c>), owned
/// by the patient's general practitioner or care team when the Patient names one, otherwise by
/// the configured triage queue. One alert per response: an amended response raises none again.
/// </summary>
internal sealed class SelfHarmAlert(ResourceStore store, FhirDbContext db, FhirSerializers serializers, IClock clock, IOptions<QuestionnaireOptions> options)
{
    public static readonly Coding AlertCode = new("http://loinc.org", "44260-8", "Thoughts that you would be better off dead, or of hurting yourself in some way");

    /// <summary>True when a Task already has the response as its focus: the alert was raised before.</summary>
    public Task<bool> WasRaisedAsync(string responseId, CancellationToken cancellationToken) =>
        db.Referring("Task", "focus", "QuestionnaireResponse", responseId).AnyAsync(cancellationToken);

    /// <summary>Writes the Flag and the Task; returns the Task written.</summary>
    public async Task<StoredVersion> RaiseAsync(QuestionnaireResponse response, string responseId, CancellationToken cancellationToken)
    {
        var patient = response.Subject?.Reference is { } subject && subject.StartsWith("Patient/", StringComparison.Ordinal) ? subject : null;
        var authored = response.AuthoredElement?.Value;
        if (patient is not null)
        {
            var flag = new Flag
            {
                Status = Flag.FlagStatus.Active,
                Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/flag-category", "safety", "Safety")],
                Code = new CodeableConcept { Coding = [(Coding)AlertCode.DeepCopy()], Text = "Positive self-harm screen (PHQ-9 item 9): prompt clinician follow-up needed" },
                Subject = new ResourceReference(patient),
                Period = authored is null ? null : new Hl7.Fhir.Model.Period { Start = authored },
            };
            SensitivityLabels.Apply(flag);
            await store.CreateAsync(flag, cancellationToken);
        }

        var task = new Hl7.Fhir.Model.Task
        {
            Status = Hl7.Fhir.Model.Task.TaskStatus.Requested,
            Intent = Hl7.Fhir.Model.Task.TaskIntent.Order,
            Priority = RequestPriority.Stat,
            Code = new CodeableConcept { Coding = [(Coding)AlertCode.DeepCopy()], Text = "Review a positive self-harm screen" },
            Description = "The patient answered PHQ-9 item 9 (thoughts of being better off dead or of self-harm) with other than \"Not at all\". Contact the patient promptly.",
            Focus = new ResourceReference($"QuestionnaireResponse/{responseId}"),
            For = patient is null ? null : new ResourceReference(patient),
            AuthoredOn = clock.GetCurrentInstant().ToDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture),
            Owner = await OwnerAsync(patient, cancellationToken),
        };
        SensitivityLabels.Apply(task);
        return await store.CreateAsync(task, cancellationToken);
    }

    /// <summary>The patient's general practitioner (or care team) when the Patient says who that is, else the triage queue.</summary>
    private async Task<ResourceReference> OwnerAsync(string? patient, CancellationToken cancellationToken)
    {
        if (patient is not null && await store.ReadCurrentAsync("Patient", patient["Patient/".Length..], cancellationToken) is { IsDeleted: false, Json: { } json } &&
            serializers.ParseJson(json) is Patient { GeneralPractitioner: [{ Reference: { } practitioner }, ..] })
        {
            return new ResourceReference(practitioner);
        }

        return new ResourceReference(options.Value.TriageQueue);
    }
}
