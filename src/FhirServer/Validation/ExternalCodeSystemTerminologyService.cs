using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Terminology;

namespace FhirMh.FhirServer.Validation;

/// <summary>
/// Binding checks for code systems whose content the server does not hold (LOINC, SNOMED CT and
/// any other it has no complete CodeSystem for). When the bound value set draws on such a system
/// as a whole (all of it, or a filter on it), a code from it is checked for its system and syntax
/// only, with a note saying so; everything else goes to the local service. A value set that lists
/// its codes of such a system explicitly is checked by the local service as usual.
/// </summary>
/// <remarks>
/// Without this the SDK's expander cannot expand such a value set, and the validator reports a
/// terminology failure as a warning on every resource that uses such a binding
/// (terminology-service.html).
/// </remarks>
internal sealed class ExternalCodeSystemTerminologyService(ITerminologyService local, ConformanceResolver resolver)
    : ICodeValidationTerminologyService
{
    /// <summary>How each note of this service begins, so that the validator's report of it can be told apart.</summary>
    public const string NotePrefix = "Checked for system and syntax only: ";

    /// <summary>How deep value sets that import value sets are followed.</summary>
    private const int MaxImportDepth = 5;

    /// <summary>True for the text of a note this service gave with a valid code.</summary>
    public static bool IsNote(string? text) => text?.StartsWith(NotePrefix, StringComparison.Ordinal) == true;

    public async Task<Parameters> ValueSetValidateCode(Parameters parameters, string? id = null, bool useGet = false)
    {
        var codings = CodingsOf(parameters);
        if (codings.Count > 0 && await ValueSetOfAsync(parameters) is { } valueSet)
        {
            var systems = new HashSet<string>(StringComparer.Ordinal);
            var external = new HashSet<string>(StringComparer.Ordinal);
            await AddSystemsAsync(valueSet, systems, external, depth: 0);

            // A bare code (an element of type code) is of the value set's one system, if it has one.
            var implied = systems.Count == 1 ? systems.Single() : null;
            var checkable = codings
                .Select(c => c.System is null ? new Coding(implied, c.Code) : c)
                .Where(c => c.System is not null && external.Contains(c.System))
                .ToList();
            if (checkable.FirstOrDefault(c => IsValid(c.System!, c.Code)) is { } valid)
            {
                return Result(true, $"{NotePrefix}this server holds no content of {valid.System}, so '{valid.Code}' was not looked up in it.");
            }

            if (checkable.Count > 0 && checkable.Count == codings.Count)
            {
                var invalid = checkable[0];
                return Result(false, $"'{invalid.Code}' is not a valid code of {invalid.System}: {SyntaxOf(invalid.System!)}.");
            }
        }

        return await local.ValueSetValidateCode(parameters, id, useGet);
    }

    public Task<Parameters> Subsumes(Parameters parameters, string? id = null, bool useGet = false) =>
        local.Subsumes(parameters, id, useGet);

    /// <summary>Whether <paramref name="code"/> has the syntax of a code of <paramref name="system"/>.</summary>
    public static bool IsValid(string system, string? code) => code is { Length: > 0 } && system switch
    {
        LoincCode.System => LoincCode.IsValid(code),
        SnomedCtIdentifier.System => SnomedCtIdentifier.IsValid(code),
        _ => true, // the code datatype's own syntax is checked by the validator (datatypes.html#code)
    };

    private static string SyntaxOf(string system) => system switch
    {
        LoincCode.System => "a LOINC code is digits, '-' and a mod 10 check digit, or an LA, LL or LP code",
        SnomedCtIdentifier.System => "a SNOMED CT identifier is 6 to 18 digits, the last a Verhoeff check digit",
        _ => "a code must not be empty",
    };

    /// <summary>
    /// Adds every system the value set includes to <paramref name="systems"/>, and to
    /// <paramref name="external"/> those it includes as a whole or by filter that the server holds
    /// no content of; follows the value sets it imports.
    /// </summary>
    private async Task AddSystemsAsync(ValueSet valueSet, HashSet<string> systems, HashSet<string> external, int depth)
    {
        foreach (var include in valueSet.Compose?.Include ?? [])
        {
            if (include.System is { } system)
            {
                systems.Add(system);
                if (include.Concept.Count == 0 && !external.Contains(system) && !await HoldsContentAsync(system))
                {
                    external.Add(system);
                }
            }

            if (depth >= MaxImportDepth)
            {
                continue;
            }

            foreach (var imported in include.ValueSet.OfType<string>())
            {
                if ((await resolver.TryResolveByCanonicalUriAsync(imported)).Value is ValueSet nested)
                {
                    await AddSystemsAsync(nested, systems, external, depth + 1);
                }
            }
        }
    }

    /// <summary>
    /// True when a CodeSystem with the codes themselves is known: the specification carries
    /// CodeSystems for SNOMED CT and others with <c>content</c> = not-present (codesystem.html#content).
    /// </summary>
    private async Task<bool> HoldsContentAsync(string system) =>
        (await resolver.TryResolveByCanonicalUriAsync(system)).Value is CodeSystem codeSystem
        && codeSystem.Content is not (CodeSystemContentMode.NotPresent or CodeSystemContentMode.Example);

    private async Task<ValueSet?> ValueSetOfAsync(Parameters parameters)
    {
        if (parameters.GetSingle("valueSet")?.Resource is ValueSet given)
        {
            return given;
        }

        if (Primitive(parameters, "url") is not { } url)
        {
            return null;
        }

        var version = Primitive(parameters, "valueSetVersion");
        return (await resolver.TryResolveByCanonicalUriAsync(version is null ? url : $"{url}|{version}")).Value as ValueSet;
    }

    private static List<Coding> CodingsOf(Parameters parameters)
    {
        var codings = new List<Coding>();
        if (Primitive(parameters, "code") is { } code)
        {
            codings.Add(new Coding(Primitive(parameters, "system"), code));
        }

        if (parameters.GetSingleValue<Coding>("coding") is { } coding)
        {
            codings.Add(coding);
        }

        if (parameters.GetSingleValue<CodeableConcept>("codeableConcept") is { } concept)
        {
            codings.AddRange(concept.Coding);
        }

        return codings;
    }

    /// <summary>A primitive parameter as text, whichever primitive type the caller chose for it.</summary>
    private static string? Primitive(Parameters parameters, string name) =>
        (parameters.GetSingle(name)?.Value as PrimitiveType)?.ToString();

    private static Parameters Result(bool result, string message) =>
        new Parameters().Add("result", new FhirBoolean(result)).Add("message", new FhirString(message));
}
