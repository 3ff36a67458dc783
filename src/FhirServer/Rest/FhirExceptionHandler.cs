using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Diagnostics;

namespace FhirMh.FhirServer.Rest;

/// <summary>
/// The one place where failures become OperationOutcomes. Typed failures keep their status;
/// anything unexpected is a 500 whose body says nothing of the server's internals.
/// </summary>
internal sealed partial class FhirExceptionHandler(ILogger<FhirExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, outcome) = exception switch
        {
            _ when Describe(exception) is { } known => known,
            BadHttpRequestException bad => (bad.StatusCode,
                OperationOutcomes.Error(bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? OperationOutcome.IssueType.TooLong : OperationOutcome.IssueType.Invalid, bad.Message)),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => (499, null),
            _ => (StatusCodes.Status500InternalServerError,
                OperationOutcomes.Error(OperationOutcome.IssueType.Exception, $"The server failed to process the request (trace id {httpContext.TraceIdentifier}).")),
        };

        if (status == StatusCodes.Status500InternalServerError)
        {
            LogUnexpected(logger, exception, httpContext.TraceIdentifier);
        }

        if (outcome is null || httpContext.Response.HasStarted)
        {
            return true;
        }

        httpContext.Response.Clear();
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "1";
        }

        if (exception is FhirException { WwwAuthenticate: { } challenge })
        {
            httpContext.Response.Headers.WWWAuthenticate = challenge;
        }

        var output = OutputOptions.Default with { Format = OutputOptions.FormatForErrors(httpContext.Request) };
        await new FhirResult(FhirResponse.Of(status, outcome), output, FhirEndpoints.BaseUrl(httpContext.Request)).ExecuteAsync(httpContext);
        return true;
    }

    /// <summary>
    /// The status and OperationOutcome of a failure the interactions report on purpose, or null for
    /// anything else. Batch and transaction Bundles use it to report the failure of one entry.
    /// </summary>
    public static (int Status, OperationOutcome Outcome)? Describe(Exception exception) => exception switch
    {
        FhirException fhir => (fhir.StatusCode, fhir.Outcome),
        VersionMismatchException mismatch => (StatusCodes.Status412PreconditionFailed,
            OperationOutcomes.Error(OperationOutcome.IssueType.Conflict, mismatch.Message, mismatch.Header)),
        StorageConflictException conflict => (StatusCodes.Status409Conflict,
            OperationOutcomes.Error(OperationOutcome.IssueType.Conflict, conflict.Message + " Retry the request.")),
        _ when Storage.TransientConflict.Is(exception) => (StatusCodes.Status409Conflict,
            OperationOutcomes.Error(OperationOutcome.IssueType.Transient, "The request met another one changing the same records and was undone; nothing was written. Retry it.")),
        _ when Storage.StorageBusy.Is(exception) => (StatusCodes.Status503ServiceUnavailable,
            OperationOutcomes.Error(OperationOutcome.IssueType.Transient, "The database did not answer in time and the request was undone. Retry it in a moment.")),
        _ => null,
    };

    /// <summary>Writes an OperationOutcome for statuses the router produces with no body (404, 405).</summary>
    public static Task WriteStatusOutcomeAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        var outcome = status switch
        {
            StatusCodes.Status404NotFound => OperationOutcomes.Error(OperationOutcome.IssueType.NotFound, $"No FHIR interaction is at {http.Request.Path}."),
            StatusCodes.Status405MethodNotAllowed => OperationOutcomes.Error(OperationOutcome.IssueType.NotSupported, $"{http.Request.Method} is not supported at {http.Request.Path}."),
            _ => OperationOutcomes.Error(OperationOutcome.IssueType.Processing, $"HTTP {status}."),
        };
        var output = OutputOptions.Default with { Format = OutputOptions.FormatForErrors(http.Request) };
        return new FhirResult(FhirResponse.Of(status, outcome), output, FhirEndpoints.BaseUrl(http.Request)).ExecuteAsync(http);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled failure in request {TraceId}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string traceId);
}
