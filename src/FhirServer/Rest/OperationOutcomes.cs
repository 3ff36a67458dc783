using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Rest;

internal static class OperationOutcomes
{
    public static OperationOutcome Error(OperationOutcome.IssueType code, string diagnostics, string? expression = null) =>
        Single(OperationOutcome.IssueSeverity.Error, code, diagnostics, expression);

    public static OperationOutcome Information(string diagnostics) =>
        Single(OperationOutcome.IssueSeverity.Information, OperationOutcome.IssueType.Informational, diagnostics, null);

    /// <summary>
    /// The outcome of a write for <c>Prefer: return=OperationOutcome</c>: what was written, then
    /// the warnings and information validation gave (http.html#ops).
    /// </summary>
    public static OperationOutcome Written(string diagnostics, IReadOnlyList<OperationOutcome.IssueComponent> issues)
    {
        var outcome = Information(diagnostics);
        outcome.Issue.AddRange(issues);
        return outcome;
    }

    /// <summary>One issue, located by <paramref name="expression"/> when it is given.</summary>
    public static OperationOutcome.IssueComponent Issue(
        OperationOutcome.IssueSeverity severity,
        OperationOutcome.IssueType code,
        string diagnostics,
        string? expression = null)
    {
        var issue = new OperationOutcome.IssueComponent { Severity = severity, Code = code, Diagnostics = diagnostics };
        if (expression is not null)
        {
            issue.Expression = [expression];
        }

        return issue;
    }

    private static OperationOutcome Single(
        OperationOutcome.IssueSeverity severity,
        OperationOutcome.IssueType code,
        string diagnostics,
        string? expression) =>
        new() { Issue = [Issue(severity, code, diagnostics, expression)] };
}
