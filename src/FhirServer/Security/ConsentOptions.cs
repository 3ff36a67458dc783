namespace FhirMh.FhirServer.Security;

/// <summary>How Consent is enforced (section <c>Consent</c>).</summary>
internal sealed class ConsentOptions
{
    public const string SectionName = "Consent";

    /// <summary>
    /// The decision for a patient without an effective privacy Consent: <c>Permit</c> (others see
    /// the patient's data as their scopes allow, the usual implied consent for care) or <c>Deny</c>
    /// (nobody but the patient, until the patient consents).
    /// </summary>
    public ConsentDecision DefaultPolicy { get; set; } = ConsentDecision.Permit;

    /// <summary>How long break-the-glass lasts from the first request of an access token that asserts it.</summary>
    public TimeSpan BreakTheGlassDuration { get; set; } = TimeSpan.FromMinutes(60);
}

internal enum ConsentDecision
{
    Permit,
    Deny,
}
