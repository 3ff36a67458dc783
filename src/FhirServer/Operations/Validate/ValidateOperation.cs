using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using FhirMh.FhirServer.Validation;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Operations.Validate;

/// <summary>
/// <c>[type]/$validate</c> and <c>[type]/[id]/$validate</c> (resource-operation-validate.html):
/// validates a resource as a write would, or as the <c>mode</c> asks, and answers 200 with the
/// OperationOutcome whatever it found. Without a resource, the instance level validates the
/// stored current version.
/// </summary>
internal sealed class ValidateOperation(ProfileValidator validator, WriteValidation writes, ResourceStore store, FhirSerializers serializers) : IFhirOperation
{
    public const string Name = "validate";

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var input = ValidateInput.From(request);
        var type = request.ResourceType!;
        if (input.Resource is { } given && given.TypeName != type)
        {
            throw FhirException.BadRequest($"{type}/$validate validates a {type}, not a {given.TypeName}.", "resource");
        }

        var outcome = new OperationOutcome();
        if (input.Mode == ValidateMode.Delete)
        {
            outcome.Issue.Add(await CheckDeleteAsync(request, cancellationToken));
            return Answer(outcome);
        }

        var resource = input.Resource ?? await StoredAsync(request, cancellationToken);
        if (input.Mode == ValidateMode.Update)
        {
            CheckUpdate(request, resource, outcome);
        }
        else if (input.Mode == ValidateMode.Create && !string.IsNullOrEmpty(resource.Id))
        {
            outcome.Issue.Add(OperationOutcomes.Issue(
                OperationOutcome.IssueSeverity.Information,
                OperationOutcome.IssueType.Informational,
                $"A create ignores the id '{resource.Id}': the server assigns one (http.html#create).",
                $"{type}.id"));
        }

        var profiles = writes.RequiredProfiles(type).ToList();
        if (input.Profile is { } profile && !profiles.Contains(profile))
        {
            profiles.Add(profile);
        }

        outcome.Issue.AddRange(validator.Validate(resource, profiles).Issue);
        return Answer(outcome);
    }

    private async Task<Resource> StoredAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        if (request.Id is not { } id)
        {
            throw FhirException.BadRequest($"{request.ResourceType}/$validate needs the resource to validate: the body, or a Parameters with a 'resource' parameter.", "resource");
        }

        return await StoredResources.ReadAsync(store, serializers, request.ResourceType!, id, cancellationToken);
    }

    /// <summary>An update names the resource it replaces: at instance level the ids must agree (http.html#update).</summary>
    private static void CheckUpdate(FhirRequest request, Resource resource, OperationOutcome outcome)
    {
        var type = request.ResourceType!;
        if (string.IsNullOrEmpty(resource.Id))
        {
            outcome.Issue.Add(OperationOutcomes.Issue(OperationOutcome.IssueSeverity.Error, OperationOutcome.IssueType.Required, "An update needs the resource's id.", $"{type}.id"));
        }
        else if (request.Id is { } id && resource.Id != id)
        {
            outcome.Issue.Add(OperationOutcomes.Issue(
                OperationOutcome.IssueSeverity.Error,
                OperationOutcome.IssueType.Invalid,
                $"The resource id '{resource.Id}' does not match the id '{id}' in the URL.",
                $"{type}.id"));
        }
    }

    /// <summary>Nothing on this server forbids a delete of an existing resource; the check is that there is one.</summary>
    private async Task<OperationOutcome.IssueComponent> CheckDeleteAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        if (request.Id is not { } id)
        {
            throw FhirException.BadRequest("mode=delete validates the delete of one resource: use [type]/[id]/$validate.", "mode");
        }

        var current = await store.ReadCurrentAsync(request.ResourceType!, id, cancellationToken);
        return current switch
        {
            null => OperationOutcomes.Issue(OperationOutcome.IssueSeverity.Error, OperationOutcome.IssueType.NotFound, $"{request.ResourceType}/{id} is not known.", null),
            { IsDeleted: true } => OperationOutcomes.Issue(OperationOutcome.IssueSeverity.Information, OperationOutcome.IssueType.Informational, $"{request.ResourceType}/{id} is already deleted; deleting it again changes nothing.", null),
            _ => OperationOutcomes.Issue(OperationOutcome.IssueSeverity.Information, OperationOutcome.IssueType.Informational, $"{request.ResourceType}/{id} can be deleted.", null),
        };
    }

    private static FhirResponse Answer(OperationOutcome outcome)
    {
        if (outcome.Issue.Count == 0)
        {
            // An OperationOutcome has at least one issue (operationoutcome.html).
            outcome.Issue.Add(OperationOutcomes.Issue(OperationOutcome.IssueSeverity.Information, OperationOutcome.IssueType.Informational, "No issues found.", null));
        }

        return FhirResponse.Of(StatusCodes.Status200OK, outcome);
    }

}
