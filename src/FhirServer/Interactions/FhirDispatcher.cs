using System.Text.RegularExpressions;
using FhirMh.FhirServer.Interactions.Bundles;
using FhirMh.FhirServer.Operations;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search.Stored;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// The one point every interaction passes through, from the HTTP endpoints and from each entry
/// of a batch or transaction: the caller's scopes are checked here before anything runs.
/// </summary>
internal sealed partial class FhirDispatcher(
    ReadInteraction read,
    VReadInteraction vread,
    CreateInteraction create,
    UpdateInteraction update,
    PatchInteraction patch,
    DeleteInteraction delete,
    HistoryInteraction history,
    SearchInteraction search,
    Operations.Everything.EverythingOperation everything,
    CapabilitiesInteraction capabilities,
    BundleInteraction bundles,
    IServiceProvider services,
    StoredSearchParameters storedParameters,
    Security.InteractionAccess access,
    Security.OperationResults operationResults,
    Security.AuditTrail audit)
{
    public async Task<FhirResponse> DispatchAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var interrupted = audit.Enter(request);
        try
        {
            var response = await InteractAsync(request, cancellationToken);
            audit.Record(request, response.StatusCode, response);
            return response;
        }
        catch (Exception e) when (Rest.FhirExceptionHandler.Describe(e) is { } failure)
        {
            // Refusals are audited too (IHE BALP): who tried what, and the status they got.
            audit.Record(request, failure.Status, response: null);
            throw;
        }
        finally
        {
            audit.Leave(interrupted);
        }
    }

    private async Task<FhirResponse> InteractAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        CheckAddress(request);

        // Stored SearchParameters may have changed through another process sharing the database.
        await storedParameters.RefreshAsync(cancellationToken);
        await access.AuthorizeAsync(request, cancellationToken);
        return await (request.Interaction switch
        {
            FhirInteraction.Read => read.HandleAsync(request, cancellationToken),
            FhirInteraction.VRead => vread.HandleAsync(request, cancellationToken),
            FhirInteraction.Create => create.HandleAsync(request, cancellationToken),
            FhirInteraction.Update => update.HandleAsync(request, cancellationToken),
            FhirInteraction.Patch => patch.HandleAsync(request, cancellationToken),
            FhirInteraction.Delete => delete.HandleAsync(request, cancellationToken),
            FhirInteraction.HistoryInstance or FhirInteraction.HistoryType or FhirInteraction.HistorySystem =>
                history.HandleAsync(request, cancellationToken),
            FhirInteraction.SearchType or FhirInteraction.SearchSystem or FhirInteraction.SearchCompartment =>
                search.HandleAsync(request, cancellationToken),
            FhirInteraction.PatientEverything => everything.HandleAsync(request, cancellationToken),
            FhirInteraction.Capabilities => capabilities.HandleAsync(request),
            FhirInteraction.BatchOrTransaction => bundles.HandleAsync(request, this, cancellationToken),
            FhirInteraction.TypeOperation or FhirInteraction.InstanceOperation => OperateAsync(request, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(request), request.Interaction, "Unknown interaction."),
        });
    }

    private async Task<FhirResponse> OperateAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var onInstance = request.Interaction == FhirInteraction.InstanceOperation;
        var operation = FhirOperations.Find(request.Operation!, request.ResourceType!, onInstance) ?? throw FhirException.Of(
            StatusCodes.Status404NotFound,
            OperationOutcome.IssueType.NotSupported,
            $"This server has no operation ${request.Operation} on {request.ResourceType} {(onInstance ? "instances" : "as a type")}.");
        if (operation.AffectsState && request.IsHttpGet)
        {
            throw FhirException.Of(
                StatusCodes.Status405MethodNotAllowed,
                OperationOutcome.IssueType.NotSupported,
                $"${request.Operation} changes what the server holds: invoke it with POST (operations.html#request).");
        }

        var response = await ((IFhirOperation)services.GetRequiredService(operation.Handler)).HandleAsync(request, cancellationToken);
        // $disclosures decides for itself who may see the audit trail it returns.
        return operation.Handler == typeof(Operations.Disclosures.DisclosuresOperation) ? response : await operationResults.FilterAsync(response, cancellationToken);
    }

    private static void CheckAddress(FhirRequest request)
    {
        CheckAddress(request.ResourceType, request.Id);
        if (request.ResourceType == "AuditEvent" && request.Interaction is FhirInteraction.Update or FhirInteraction.Patch or FhirInteraction.Delete)
        {
            // An audit trail that can be rewritten is no audit trail (IHE BALP; AuditEvent is append-only here).
            throw FhirException.Of(StatusCodes.Status405MethodNotAllowed, OperationOutcome.IssueType.NotSupported, "AuditEvents cannot be updated, patched or deleted: the audit trail is append-only.");
        }

        if (request.CompartmentType is { } compartment && !Search.CompartmentDefinitions.IsCompartment(compartment))
        {
            throw FhirException.NotFound($"'{compartment}' is not a compartment: R4 has Patient, Encounter, RelatedPerson, Practitioner and Device.");
        }
    }

    /// <summary>The type must be a concrete R4 resource type and the id a FHIR id.</summary>
    /// <exception cref="FhirException">404 for an unknown type, 400 for a malformed id.</exception>
    public static void CheckAddress(string? resourceType, string? id)
    {
        if (resourceType is { } type && !ModelInfo.IsKnownResource(type) || resourceType is "Resource" or "DomainResource")
        {
            throw FhirException.NotFound($"'{resourceType}' is not a FHIR R4 resource type.");
        }

        if (id is not null && !IdPattern().IsMatch(id))
        {
            // http://hl7.org/fhir/R4/datatypes.html#id
            throw FhirException.BadRequest($"'{id}' is not a valid id: 1 to 64 of A-Z, a-z, 0-9, '-' and '.'.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9\\-\\.]{1,64}$")]
    private static partial Regex IdPattern();
}
