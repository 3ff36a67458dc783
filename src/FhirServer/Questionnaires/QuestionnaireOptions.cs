namespace FhirMh.FhirServer.Questionnaires;

/// <summary>The <c>Questionnaires</c> section of the configuration.</summary>
internal sealed class QuestionnaireOptions
{
    public const string SectionName = "Questionnaires";

    /// <summary>
    /// Who owns a self-harm alert when the Patient names no general practitioner or care team:
    /// a reference such as <c>Organization/crisis-triage</c>, the queue a clinician's worklist watches.
    /// </summary>
    public string TriageQueue { get; set; } = "Organization/crisis-triage";
}
