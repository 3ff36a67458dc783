using System.Text.Json;
using System.Xml;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;

namespace FhirMh.FhirServer.Rest;

/// <summary>Turns parser failures into OperationOutcomes that say what is wrong and where.</summary>
internal static class BodyParseErrors
{
    /// <summary>
    /// Runs a parse of a request body (400) or of a patched resource (422), turning every way the
    /// parsers fail into a <see cref="FhirException"/> with <paramref name="statusCode"/>.
    /// </summary>
    public static Resource Parse(Func<Resource> parse, int statusCode)
    {
        try
        {
            return parse();
        }
        catch (DeserializationFailedException e)
        {
            throw From(e, statusCode);
        }
        catch (JsonException e)
        {
            throw From(e, statusCode);
        }
        catch (XmlException e)
        {
            throw From(e, statusCode);
        }
        catch (InvalidOperationException e)
        {
            // The SDK's converter reports a non-object top level (e.g. an array) this way, and its
            // writer a resource nested deeper than the options allow.
            throw FhirException.Of(statusCode, OperationOutcome.IssueType.Structure, $"This is not a FHIR resource: {e.Message}");
        }
    }

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

    public static FhirException From(JsonException failure, int statusCode = StatusCodes.Status400BadRequest) => FhirException.Of(
        statusCode,
        OperationOutcome.IssueType.Structure,
        $"The JSON is not valid at line {(failure.LineNumber ?? 0) + 1}, position {(failure.BytePositionInLine ?? 0) + 1}: {FirstSentence(failure.Message)}",
        failure.Path is { Length: > 1 } path ? path : null);

    public static FhirException From(XmlException failure, int statusCode = StatusCodes.Status400BadRequest) => FhirException.Of(
        statusCode,
        failure.Message.Contains("DTD", StringComparison.Ordinal) ? OperationOutcome.IssueType.Security : OperationOutcome.IssueType.Structure,
        $"The XML is not acceptable at line {failure.LineNumber}, position {failure.LinePosition}: {FirstSentence(failure.Message)}");

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
