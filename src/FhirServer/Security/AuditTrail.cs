using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// The audit trail of one request: every interaction the dispatcher runs (single requests and each
/// Bundle entry) is recorded, success or refusal. A successful write stores its AuditEvents in the
/// write's own transaction; reads and refusals go through <see cref="AuditQueue"/>, so that the
/// read path only queues a record.
/// </summary>
internal sealed class AuditTrail(
    CallerContext caller,
    ConsentContext consent,
    AuditQueue queue,
    AuditPatients patients,
    FhirDbContext db,
    ResourceStore store,
    IClock clock,
    IOptions<AuditOptions> options,
    IOptions<SecurityOptions> security)
{
    private FhirRequest? _current;

    /// <summary>On while security is on: without it there is no caller to name.</summary>
    public bool IsOn => security.Value.Enabled && options.Value.Enabled;

    /// <summary>Marks <paramref name="request"/> as the interaction running; returns the one it interrupts (a Bundle), to restore.</summary>
    public FhirRequest? Enter(FhirRequest request)
    {
        var previous = _current;
        _current = request;
        return previous;
    }

    public void Leave(FhirRequest? previous) => _current = previous;

    /// <summary>Queues the record of an interaction that read (or was refused, with its status).</summary>
    public void Record(FhirRequest request, int status, FhirResponse? response)
    {
        if (!IsOn || Interaction(request) is not { } interaction || (response is { IsWrite: true } && status < 400 && !IsExistingMatch(request, response)))
        {
            return;
        }

        var rows = new List<long>();
        if (response?.Version is { } version)
        {
            rows.Add(version.RowId);
        }

        if (response?.Searchset is { } searchset)
        {
            rows.AddRange(searchset.Entries.Select(e => e.RowId));
        }

        queue.Enqueue(NewRecord(request, interaction, status) with
        {
            RowIds = rows,
            Patients = request.Interaction == FhirInteraction.PatientEverything ? [request.Id!] : [],
        }, request.BaseUrl);
    }

    /// <summary>
    /// Stores the AuditEvents of the write just made, in the open store transaction, so that the
    /// write and its audit commit or roll back together.
    /// </summary>
    public async Task RecordWriteAsync(string type, string id, CancellationToken cancellationToken)
    {
        if (!IsOn || _current is not { } request || Interaction(request) is not { } interaction)
        {
            return;
        }

        await store.FlushAsync(cancellationToken);
        var rowId = await db.Resources.Where(r => r.ResourceType == type && r.ResourceId == id && r.IsCurrent).Select(r => r.RowId).FirstOrDefaultAsync(cancellationToken);
        var concerned = (await patients.OfRowsAsync(db, [rowId], cancellationToken)).GetValueOrDefault(rowId) ?? [];
        var record = NewRecord(request, interaction, 200) with { ResourceType = type, ResourceId = id };
        var consents = await AuditPatients.ConsentsOfAsync(db, concerned, cancellationToken);
        foreach (var patient in concerned.Count == 0 ? [null] : concerned.Select(p => (string?)p))
        {
            await store.CreateAsync(AuditEvents.Build(record, patient, patient is null ? null : consents.GetValueOrDefault(patient), request.BaseUrl), cancellationToken);
        }
    }

    /// <summary>A conditional create that found its match wrote nothing: it is a read of the match.</summary>
    private static bool IsExistingMatch(FhirRequest request, FhirResponse response) =>
        request.Interaction == FhirInteraction.Create && response.StatusCode == StatusCodes.Status200OK;

    private AuditRecord NewRecord(FhirRequest request, string interaction, int status)
    {
        var who = caller.Current;
        return new AuditRecord(
            clock.GetCurrentInstant(),
            interaction,
            request.ResourceType,
            request.Id,
            Query(request),
            status,
            who.ClientId,
            who.Subject,
            who.FhirUser,
            caller.Purposes,
            consent.BreakTheGlassUntil is not null);
    }

    /// <summary>The restful-interaction code of BALP's subtype; null for what is not audited (the CapabilityStatement, a Bundle as a whole).</summary>
    private static string? Interaction(FhirRequest request) => request.Interaction switch
    {
        FhirInteraction.Read => "read",
        FhirInteraction.VRead => "vread",
        FhirInteraction.HistoryInstance => "history-instance",
        FhirInteraction.HistoryType => "history-type",
        FhirInteraction.HistorySystem => "history-system",
        FhirInteraction.SearchType or FhirInteraction.SearchCompartment => "search-type",
        FhirInteraction.SearchSystem => "search-system",
        FhirInteraction.Create => "create",
        FhirInteraction.Update => "update",
        FhirInteraction.Patch => "patch",
        FhirInteraction.Delete => "delete",
        FhirInteraction.PatientEverything or FhirInteraction.TypeOperation or FhirInteraction.InstanceOperation => "operation",
        _ => null,
    };

    /// <summary>The query of a search or operation as the client sent it, for BALP's query entity.</summary>
    private static string? Query(FhirRequest request)
    {
        var path = request.Interaction switch
        {
            FhirInteraction.SearchType or FhirInteraction.HistoryType => request.ResourceType,
            FhirInteraction.SearchCompartment => $"{request.CompartmentType}/{request.Id}/{request.ResourceType}",
            FhirInteraction.SearchSystem or FhirInteraction.HistorySystem => string.Empty,
            FhirInteraction.PatientEverything => $"Patient/{request.Id}/$everything",
            FhirInteraction.TypeOperation => $"{request.ResourceType}/${request.Operation}",
            FhirInteraction.InstanceOperation => $"{request.ResourceType}/{request.Id}/${request.Operation}",
            _ => null,
        };
        if (path is null)
        {
            return null;
        }

        var query = string.Join('&', request.Parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        return query.Length == 0 ? path : $"{path}?{query}";
    }
}
