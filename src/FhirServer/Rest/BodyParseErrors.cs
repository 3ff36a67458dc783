using System.Text.Json;
using System.Xml;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;

namespace FhirMh.FhirServer.Rest;

/// <summary>Turns parser failures into 400 OperationOutcomes that say what is wrong and where.</summary>
internal static class BodyParseErrors
{
    public static FhirException From(DeserializationFailedException failure, int statusCode = StatusCodes.Status400BadRequest)
    {
        var outcome = new OperationOutcome();
        foreach (var error in failure.Exceptions)
        {
            var issue = new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = error is ExtendedCodedException coded ? coded.IssueType : OperationOutcome.IssueType.Structure,
                Diagnostics = error.Message,
            };
            if (error is ExtendedCodedException { InstancePath: { Length: > 0 } path } && Expression(path, failure) is { } expression)
            {
                issue.Expression = [expression];
            }

            outcome.Issue.Add(issue);
        }

        return FhirException.WithOutcome(statusCode, outcome);
    }

    public static FhirException From(JsonException failure) => FhirException.Of(
        StatusCodes.Status400BadRequest,
        OperationOutcome.IssueType.Structure,
        $"The body is not valid JSON at line {(failure.LineNumber ?? 0) + 1}, position {(failure.BytePositionInLine ?? 0) + 1}: {FirstSentence(failure.Message)}",
        failure.Path is { Length: > 1 } path ? path : null);

    public static FhirException From(XmlException failure) => FhirException.Of(
        StatusCodes.Status400BadRequest,
        failure.Message.Contains("DTD", StringComparison.Ordinal) ? OperationOutcome.IssueType.Security : OperationOutcome.IssueType.Structure,
        $"The body is not acceptable XML at line {failure.LineNumber}, position {failure.LinePosition}: {FirstSentence(failure.Message)}");

    /// <summary>The SDK names the root "$this"; a FHIRPath expression starts from the resource type.</summary>
    private static string? Expression(string path, DeserializationFailedException failure)
    {
        var type = failure.PartialResult is Resource resource ? resource.TypeName : null;
        if (!path.Contains("$this", StringComparison.Ordinal))
        {
            return path;
        }

        if (type is null)
        {
            return null;
        }

        var rest = path[(path.IndexOf("$this", StringComparison.Ordinal) + "$this".Length)..];
        return type + rest;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
