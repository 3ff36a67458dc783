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

    public static FhirException Conflict(string diagnostics) =>
        Of(StatusCodes.Status409Conflict, OperationOutcome.IssueType.Conflict, diagnostics);
}
