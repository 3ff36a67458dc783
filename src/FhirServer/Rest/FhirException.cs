using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Rest;

/// <summary>
/// A failure the client must be told about: it carries the HTTP status and the OperationOutcome
/// to send. <see cref="FhirExceptionHandler"/> is the one place that writes it.
/// </summary>
internal sealed class FhirException : Exception
{
    private FhirException(int statusCode, OperationOutcome outcome, string message)
        : base(message)
    {
        StatusCode = statusCode;
        Outcome = outcome;
    }

    public int StatusCode { get; }

    /// <summary>The <c>WWW-Authenticate</c> challenge of a 401 (RFC 6750 section 3), null otherwise.</summary>
    public string? WwwAuthenticate { get; private init; }

    public OperationOutcome Outcome { get; }

    public static FhirException WithOutcome(int statusCode, OperationOutcome outcome) =>
        new(statusCode, outcome, outcome.Issue.FirstOrDefault()?.Diagnostics ?? $"HTTP {statusCode}");

    public static FhirException Of(int statusCode, OperationOutcome.IssueType code, string diagnostics, string? expression = null) =>
        WithOutcome(statusCode, OperationOutcomes.Error(code, diagnostics, expression));

    public static FhirException BadRequest(string diagnostics, string? expression = null) =>
        Of(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, diagnostics, expression);

    public static FhirException NotFound(string diagnostics) =>
        Of(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, diagnostics);

    public static FhirException Gone(string diagnostics) =>
        Of(StatusCodes.Status410Gone, OperationOutcome.IssueType.Deleted, diagnostics);

    public static FhirException PreconditionFailed(string diagnostics) =>
        Of(StatusCodes.Status412PreconditionFailed, OperationOutcome.IssueType.Conflict, diagnostics);

    /// <summary>
    /// 401: no usable access token. <paramref name="error"/> is the RFC 6750 error code, null when
    /// the request carried no token at all (the challenge then names only the scheme).
    /// </summary>
    public static FhirException Unauthorized(string diagnostics, string? error = "invalid_token")
    {
        var challenge = error is null
            ? "Bearer realm=\"FHIR\""
            : $"Bearer realm=\"FHIR\", error=\"{error}\", error_description=\"{diagnostics.Replace("\"", "'", StringComparison.Ordinal)}\"";
        return new(StatusCodes.Status401Unauthorized, OperationOutcomes.Error(OperationOutcome.IssueType.Login, diagnostics), diagnostics) { WwwAuthenticate = challenge };
    }

    /// <summary>403: the caller is known but its scopes or the patient's consent do not allow this.</summary>
    public static FhirException Forbidden(string diagnostics) =>
        Of(StatusCodes.Status403Forbidden, OperationOutcome.IssueType.Forbidden, diagnostics);

    public static FhirException Conflict(string diagnostics) =>
        Of(StatusCodes.Status409Conflict, OperationOutcome.IssueType.Conflict, diagnostics);
}
