using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Rest;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

namespace FhirMh.FhirServer.Operations.Terminology;

/// <summary>
/// <c>CodeSystem/$lookup</c> (codesystem-operation-lookup.html): the details of a code (<c>code</c>
/// + <c>system</c> [+ <c>version</c>], or <c>coding</c>): the code system's name and version, the
/// display, the designations, and as properties the definition, the parents and children in the
/// hierarchy, and the concept's own properties; <c>property</c> narrows them. The SDK's local
/// service has no lookup. An unknown system is a 404, and so is a code the system does not have.
/// </summary>
internal sealed class LookupOperation(TerminologyTargets targets) : IFhirOperation
{
    public const string Name = "lookup";

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var input = OperationInput.From(request);
        var code = CodeInput.Read(input, "code", "coding");
        var system = code.System ?? input.String("system");
        var codeSystem = await targets.CodeSystemAsync(request, system, input.String("version"), code.System is null ? "system" : "coding", cancellationToken);
        var concepts = CodeSystemConcepts.Of(codeSystem);
        var concept = concepts.Find(code.Code) ?? throw NotInSystem(codeSystem, code);
        var found = concept.Code ?? code.Code;

        var wanted = input.Strings("property").ToHashSet(StringComparer.Ordinal);
        bool Wants(string property) => wanted.Count == 0 || wanted.Contains(property);

        var result = new Parameters();
        result.Add("name", new FhirString(codeSystem.Name ?? codeSystem.Title ?? codeSystem.Url));
        if (codeSystem.Version is { } version)
        {
            result.Add("version", new FhirString(version));
        }

        result.Add("display", new FhirString(concept.Display ?? found));
        if (Wants("designation"))
        {
            foreach (var designation in concept.Designation)
            {
                var parts = new List<Parameters.ParameterComponent>();
                if (designation.Language is { } language)
                {
                    parts.Add(Part("language", new Code(language)));
                }

                if (designation.Use is { } use)
                {
                    parts.Add(Part("use", use));
                }

                parts.Add(Part("value", new FhirString(designation.Value)));
                result.Parameter.Add(new Parameters.ParameterComponent { Name = "designation", Part = parts });
            }
        }

        if (concept.Definition is { } definition && Wants("definition"))
        {
            AddProperty(result, "definition", new FhirString(definition));
        }

        foreach (var parent in Wants("parent") ? concepts.ParentsOf(found) : [])
        {
            AddProperty(result, "parent", new Code(parent));
        }

        foreach (var child in Wants("child") ? concepts.ChildrenOf(found) : [])
        {
            AddProperty(result, "child", new Code(child));
        }

        foreach (var property in concept.Property)
        {
            if (property is { Code: { } name and not ("parent" or "child"), Value: { } value } && Wants(name))
            {
                AddProperty(result, name, value);
            }
        }

        return FhirResponse.Of(StatusCodes.Status200OK, result);
    }

    /// <summary>The error for a code the system does not have; the spec asks for an error, and 404 says what it is.</summary>
    public static FhirException NotInSystem(CodeSystem codeSystem, CodeInput code)
    {
        var content = codeSystem.Content is CodeSystemContentMode.Complete or null
            ? string.Empty
            : $" This server holds only part of it (content = {codeSystem.Content.GetLiteral()}).";
        return FhirException.Of(
            StatusCodes.Status404NotFound,
            OperationOutcome.IssueType.NotFound,
            $"The code '{code.Code}' is not in the code system {codeSystem.Url}.{content}",
            code.Parameter);
    }

    private static void AddProperty(Parameters result, string code, DataType value) =>
        result.Parameter.Add(new Parameters.ParameterComponent { Name = "property", Part = [Part("code", new Code(code)), Part("value", value)] });

    private static Parameters.ParameterComponent Part(string name, DataType value) => new() { Name = name, Value = value };
}
