using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Interactions.Bundles;

/// <summary>
/// Re-addresses the OperationOutcome of one entry to the Bundle: the expressions a single request
/// uses (the resource's own paths, header names) become paths within <c>Bundle.entry[i]</c>, and
/// each diagnostic says which entry failed.
/// </summary>
internal static class EntryFailure
{
    public static OperationOutcome Readdress(OperationOutcome outcome, EntryRequest entry, string? resourceType)
    {
        var readdressed = new OperationOutcome();
        foreach (var issue in outcome.Issue)
        {
            var copy = (OperationOutcome.IssueComponent)issue.DeepCopy();
            copy.Diagnostics = $"{entry.Path} ({entry.Method} {entry.Url}): {issue.Diagnostics}";
            var expressions = issue.Expression.OfType<string>().Select(e => Expression(e, entry.Path, resourceType)).OfType<string>().Distinct().ToList();
            copy.Expression = expressions.Count > 0 ? expressions : [entry.Path];
            readdressed.Issue.Add(copy);
        }

        return readdressed;
    }

    /// <summary>
    /// The expression within the Bundle, or null when it has none there (for instance a path in
    /// the resource a patch produced, which is not in the Bundle).
    /// </summary>
    public static string? Expression(string expression, string entryPath, string? resourceType)
    {
        if (expression.StartsWith("Bundle.", StringComparison.Ordinal))
        {
            return expression;
        }

        switch (expression)
        {
            case "If-Match":
                return $"{entryPath}.request.ifMatch";
            case "If-None-Match":
                return $"{entryPath}.request.ifNoneMatch";
            case "If-None-Exist":
                return $"{entryPath}.request.ifNoneExist";
            case "If-Modified-Since":
                return $"{entryPath}.request.ifModifiedSince";
            case "resourceType":
                return $"{entryPath}.resource";
        }

        if (resourceType is not null && expression.StartsWith(resourceType, StringComparison.Ordinal) &&
            (expression.Length == resourceType.Length || expression[resourceType.Length] is '.' or '['))
        {
            return $"{entryPath}.resource{expression[resourceType.Length..]}";
        }

        return null;
    }
}
