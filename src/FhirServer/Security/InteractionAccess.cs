using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Operations;
using FhirMh.FhirServer.Rest;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// The scope letter each interaction needs (SMART App Launch 2: c create; r read, vread and
/// instance history; u update and patch; d delete; s type and system search and history), checked
/// by the dispatcher before anything runs, for a single request and for every Bundle entry alike.
/// Which rows the caller then reaches is decided in the queries themselves (<see cref="AccessRules.Restriction"/>).
/// </summary>
internal sealed class InteractionAccess(AccessRules rules, AccessChecks checks, ConsentContext consent)
{
    public async Task AuthorizeAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        if (rules.Caller.IsUnrestricted)
        {
            return;
        }

        await consent.PrepareAsync(cancellationToken);

        var type = request.ResourceType;
        switch (request.Interaction)
        {
            case FhirInteraction.Capabilities or FhirInteraction.BatchOrTransaction:
                // The CapabilityStatement is public; a Bundle's entries are each checked when dispatched.
                return;
            case FhirInteraction.Read:
                rules.Demand(type!, SmartPermissions.Read);
                request.CurrentVersion = await checks.EnsureReadableAsync(type!, request.Id!, cancellationToken);
                return;
            case FhirInteraction.VRead or FhirInteraction.HistoryInstance:
                rules.Demand(type!, SmartPermissions.Read);
                await checks.EnsureReachableAsync(type!, request.Id!, AccessChecks.Seeing, cancellationToken);
                return;
            case FhirInteraction.SearchType or FhirInteraction.SearchCompartment or FhirInteraction.HistoryType:
                rules.Demand(type!, SmartPermissions.Search);
                return;
            case FhirInteraction.SearchSystem:
                var types = SearchInteraction.ParseTypes(request);
                if (types.Count == 0)
                {
                    DemandEverything();
                }

                foreach (var t in types)
                {
                    rules.Demand(t, SmartPermissions.Search);
                }

                return;
            case FhirInteraction.HistorySystem:
                DemandEverything();
                return;
            case FhirInteraction.Create:
                rules.Demand(type!, SmartPermissions.Create);
                return;
            case FhirInteraction.Update or FhirInteraction.Patch:
                rules.Demand(type!, SmartPermissions.Update);
                return;
            case FhirInteraction.Delete:
                rules.Demand(type!, SmartPermissions.Delete);
                return;
            case FhirInteraction.PatientEverything:
                rules.Demand("Patient", SmartPermissions.Read);
                await checks.EnsureReachableAsync("Patient", request.Id!, AccessChecks.Seeing, cancellationToken);
                return;
            case FhirInteraction.TypeOperation or FhirInteraction.InstanceOperation:
                AuthorizeOperation(request);
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(request), request.Interaction, "Unknown interaction.");
        }
    }

    /// <summary>
    /// Operations read and write across resources in ways of their own ($match returns other
    /// patients, $potential-matches a registry's candidates), so they run only for callers whose
    /// scopes reach every resource of the type, never for a patient-scoped or filtered caller.
    /// Consent still applies to what they return (<see cref="OperationResults"/>).
    /// </summary>
    private void AuthorizeOperation(FhirRequest request)
    {
        var type = request.ResourceType!;
        var onInstance = request.Interaction == FhirInteraction.InstanceOperation;
        if (FhirOperations.Find(request.Operation!, type, onInstance) is not { } operation)
        {
            return; // The dispatcher answers 404 for an unknown operation.
        }

        if (operation.Handler == typeof(Operations.Disclosures.DisclosuresOperation))
        {
            return; // The patient's own, or staff's: it decides itself.
        }

        var permission = operation.AffectsState ? SmartPermissions.Update : onInstance ? SmartPermissions.Read : SmartPermissions.Search;
        rules.Demand(type, permission);
        if (rules.ScopeRestriction(type, AccessChecks.Seeing | permission) is not null)
        {
            throw FhirException.Forbidden($"${request.Operation} needs scopes that reach every {type} (user/ or system/ without parameters); the access token's do not.");
        }
    }

    private void DemandEverything()
    {
        if (!rules.ReachesEverything(SmartPermissions.Search))
        {
            throw FhirException.Forbidden("Access is decided type by type (scopes and patients' consents): name the types with _type (search), or ask a type's history.");
        }
    }
}
