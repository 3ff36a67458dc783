using FhirMh.FhirServer.Rest;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Validation;

/// <summary>
/// One Firely validator for the process (compiling a definition is expensive, validating against
/// a compiled one is not). Definitions resolve through <see cref="ConformanceResolver"/>.
/// </summary>
internal sealed class ProfileValidator
{
    /// <summary>The SDK's issue number for "Unable to resolve reference to profile" (dotnet-api-operation-outcome).</summary>
    private const string UnresolvedProfileIssue = "4000";

    private readonly ConformanceResolver _resolver;
    private readonly Validator _validator;

    public ProfileValidator(ConformanceResolver resolver, TerminologyServices terminology)
    {
        _resolver = resolver;
        var enforced = new ParserEnforcedBindings();
        var settings = new ValidationSettings();
        settings.ExcludeFilters.Add(enforced.IsEnforced);
        _validator = new Validator(resolver, terminology.ForValidation, referenceResolver: null, settings, enforced.SchemaResolver(resolver));
    }

    /// <summary>
    /// Validates <paramref name="resource"/> against its type's core definition, every profile in
    /// its <c>meta.profile</c>, and <paramref name="profiles"/>. A declared profile the server
    /// does not know is an error located at that <c>meta.profile</c> entry.
    /// </summary>
    public OperationOutcome Validate(Resource resource, IReadOnlyCollection<string> profiles)
    {
        var outcome = new OperationOutcome();
        var unknown = new HashSet<string>(StringComparer.Ordinal);
        var declared = resource.Meta?.Profile.ToList() ?? [];
        for (var i = 0; i < declared.Count; i++)
        {
            if (declared[i] is { } profile && !Knows(profile))
            {
                unknown.Add(profile);
                outcome.Issue.Add(OperationOutcomes.Issue(
                    OperationOutcome.IssueSeverity.Error,
                    OperationOutcome.IssueType.NotFound,
                    $"The profile '{profile}' in meta.profile is not known to this server: load its package or store its StructureDefinition first.",
                    $"{resource.TypeName}.meta.profile[{i}]"));
            }
        }

        foreach (var profile in profiles.Where(p => !unknown.Contains(p) && !Knows(p)).ToList())
        {
            unknown.Add(profile);
            outcome.Issue.Add(OperationOutcomes.Issue(
                OperationOutcome.IssueSeverity.Error,
                OperationOutcome.IssueType.NotFound,
                $"The profile '{profile}' is not known to this server: load its package or store its StructureDefinition first."));
        }

        var seen = new HashSet<(string?, string?)>();
        var known = profiles.Where(p => !unknown.Contains(p)).ToList();
        IEnumerable<string?> runs = known.Count == 0 ? [null] : known.Select(p => (string?)p);
        foreach (var profile in runs)
        {
            foreach (var issue in _validator.Validate(resource, profile).Issue)
            {
                if ((issue.Details?.Coding.Any(c => c.Code == UnresolvedProfileIssue) == true && unknown.Count > 0) || IsFhirTypeContextIssue(issue))
                {
                    continue; // reported above with its location, or not a fault of the resource
                }

                Humanize(issue);
                if (seen.Add((issue.Diagnostics, string.Join(",", issue.Expression))))
                {
                    outcome.Issue.Add(issue);
                }
            }
        }

        return outcome;
    }

    /// <summary>True when <paramref name="profile"/> resolves to a StructureDefinition.</summary>
    /// <remarks>
    /// Awaited on this thread: the resolver answers most calls from memory at once, while the
    /// SDK's TaskHelper.Await would queue each call to another thread and spin until it ran.
    /// ASP.NET Core has no synchronization context, so blocking here cannot deadlock.
    /// </remarks>
    public bool Knows(string profile) =>
        _resolver.TryResolveByCanonicalUriAsync(profile).GetAwaiter().GetResult().Value is StructureDefinition;

    /// <summary>
    /// The R4 core snapshots themselves put the structuredefinition-fhir-type extension on
    /// <c>ElementDefinition.type</c>, where the validator expects it on <c>type.code</c>; every
    /// StructureDefinition with a snapshot taken from core would otherwise be refused.
    /// </summary>
    private static bool IsFhirTypeContextIssue(OperationOutcome.IssueComponent issue) =>
        issue.Details?.Text?.StartsWith("Extension used outside of appropriate contexts", StringComparison.Ordinal) == true &&
        issue.Extension.Any(e => e.Url == "http://hl7.org/fhir/StructureDefinition/operationoutcome-authority" &&
            e.Value is FhirUri { Value: "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type" });

    /// <summary>
    /// The SDK puts the message in <c>details.text</c> and a trace of the definitions it walked
    /// in <c>diagnostics</c>; clients show diagnostics, so it gets the message, trace appended.
    /// A syntax-only note on an external code becomes information.
    /// </summary>
    private static void Humanize(OperationOutcome.IssueComponent issue)
    {
        var text = issue.Details?.Text;
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        issue.Diagnostics = string.IsNullOrEmpty(issue.Diagnostics) ? text : $"{text} ({issue.Diagnostics})";

        // The validator reports the message of every valid code as a warning; the note that a code
        // was checked for syntax only is information (ExternalCodeSystemTerminologyService).
        if (issue.Severity == OperationOutcome.IssueSeverity.Warning && ExternalCodeSystemTerminologyService.IsNote(text))
        {
            issue.Severity = OperationOutcome.IssueSeverity.Information;
        }

        // "Missing required member: 'system'" is located at the parent; point at the member itself.
        if (text.StartsWith(MissingMember, StringComparison.Ordinal) && text.EndsWith('\'') && issue.Expression.ToList() is [{ } parent])
        {
            issue.Expression = [$"{parent}.{text[MissingMember.Length..^1]}"];
        }
    }

    private const string MissingMember = "Missing required member: '";
}
