using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// An OperationOutcome issue about one element of a response, located by a FHIRPath expression
/// into the response (operationoutcome-definitions.html#OperationOutcome.issue.expression).
/// </summary>
internal static class QuestionnaireIssue
{
    public static OperationOutcome.IssueComponent Error(OperationOutcome.IssueType code, string diagnostics, string expression) =>
        Of(OperationOutcome.IssueSeverity.Error, code, diagnostics, expression);

    public static OperationOutcome.IssueComponent Warning(OperationOutcome.IssueType code, string diagnostics, string expression) =>
        Of(OperationOutcome.IssueSeverity.Warning, code, diagnostics, expression);

    private static OperationOutcome.IssueComponent Of(
        OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType code, string diagnostics, string expression) =>
        new() { Severity = severity, Code = code, Diagnostics = diagnostics, Expression = [expression] };
}
