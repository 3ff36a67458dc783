namespace FhirMh.FhirServer.Security;

/// <summary>
/// Who is calling, from a validated access token: the client application, the user it acts for
/// (<c>fhirUser</c>), the patient in context and the granted scopes.
/// </summary>
internal sealed record Caller(
    string? ClientId,
    string? Subject,
    string? FhirUser,
    string? PatientId,
    IReadOnlyList<SmartScope> Scopes)
{
    /// <summary>The purposes of use (v3-ActReason codes) the token allows the caller to assert, e.g. TREAT, BTG.</summary>
    public IReadOnlyList<string> AllowedPurposes { get; init; } = [];

    /// <summary>Identifies the token for a break-the-glass grant: its issuer and jti, or a hash of it.</summary>
    public string? TokenKey { get; init; }

    /// <summary>The caller when security is off: every scope, no patient context.</summary>
    public static readonly Caller Unrestricted = new(null, null, null, null, [new SmartScope(SmartContext.System, "*", SmartPermissions.All, [])]) { IsUnrestricted = true };

    /// <summary>A caller no token has identified: no scope reaches anything.</summary>
    public static readonly Caller Nobody = new(null, null, null, null, []);

    /// <summary>True only when security is off.</summary>
    public bool IsUnrestricted { get; private init; }

    /// <summary>
    /// The scopes granting <paramref name="permission"/> on <paramref name="resourceType"/>. A patient
    /// scope counts only with a patient in context: without one it reaches nobody's data.
    /// </summary>
    public IEnumerable<SmartScope> Granting(string resourceType, SmartPermissions permission) =>
        Scopes.Where(s => s.Covers(resourceType) && (s.Permissions & permission) != 0 && (s.Context != SmartContext.Patient || PatientId is not null));
}

/// <summary>The caller of the current request, set once it is authenticated; every interaction of the request, bundle entries included, sees the same.</summary>
internal sealed class CallerContext
{
    public Caller Current { get; set; } = Caller.Nobody;

    /// <summary>The purposes of use of this request: those asserted in <c>X-Purpose-Of-Use</c>, else those the token allows but BTG.</summary>
    public IReadOnlyList<string> Purposes { get; set; } = [];

    /// <summary>The FHIR base URL the request addressed, against which relative references in scope parameters resolve.</summary>
    public string BaseUrl { get; set; } = string.Empty;
}
