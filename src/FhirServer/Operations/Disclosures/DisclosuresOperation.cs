using System.Globalization;
using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search;
using FhirMh.FhirServer.Security;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Operations.Disclosures;

/// <summary>
/// <c>GET [base]/Patient/[id]/$disclosures</c>, an operation of this server: who accessed the
/// patient's data, when and for what purpose, as the AuditEvents naming the patient, newest first,
/// in pages (<c>_count</c>, <c>_page</c>). Allowed to the patient (a token whose <c>patient</c>
/// claim is this patient) and to staff whose scopes read every AuditEvent.
/// </summary>
internal sealed class DisclosuresOperation(FhirDbContext db, AccessRules rules) : IFhirOperation
{
    public const string Name = "disclosures";

    private const int DefaultCount = 50;
    private const int MaxCount = 1000;

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var id = request.Id!;
        Authorize(id);
        if (!await db.Resources.AnyAsync(r => r.ResourceType == "Patient" && r.ResourceId == id && r.IsCurrent, cancellationToken))
        {
            throw FhirException.NotFound($"Patient/{id} is not known.");
        }

        var count = Math.Clamp(request.Parameter("_count") is { } c && int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : DefaultCount, 1, MaxCount);
        var before = request.Parameter("_page") is { } page
            ? long.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : throw FhirException.BadRequest($"'{page}' is not a page of $disclosures.", "_page")
            : long.MaxValue;
        var naming = db.ReferenceIndex.Where(x => x.ResourceType == "AuditEvent" && x.TargetType == "Patient" && x.TargetId == id && (x.Param == "entity" || x.Param == "patient"));
        var rows = await db.Resources
            .Where(r => r.ResourceType == "AuditEvent" && r.IsCurrent && !r.IsDeleted && r.RowId < before && naming.Any(x => x.RowId == r.RowId))
            .OrderByDescending(r => r.RowId)
            .Take(count + 1)
            .Select(r => new MatchedRow(r.RowId, r.ResourceType, r.ResourceId, r.Json!))
            .ToListAsync(cancellationToken);
        var hasMore = rows.Count > count;
        var shown = rows.Take(count).ToList();
        var self = $"{request.BaseUrl}/Patient/{id}/$disclosures?_count={count.ToString(CultureInfo.InvariantCulture)}";
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = before == long.MaxValue ? self : $"{self}&_page={before.ToString(CultureInfo.InvariantCulture)}" });
        if (hasMore)
        {
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = $"{self}&_page={shown[^1].RowId.ToString(CultureInfo.InvariantCulture)}" });
        }

        return new FhirResponse(StatusCodes.Status200OK)
        {
            Searchset = new Searchset(bundle, shown.Select(r => SearchsetEntry.Of(request.BaseUrl, r, Bundle.SearchEntryMode.Match)).ToList()),
        };
    }

    private void Authorize(string patientId)
    {
        var caller = rules.Caller;
        if (caller.IsUnrestricted || caller.PatientId == patientId && caller.Granting("Patient", SmartPermissions.Read).Any())
        {
            return;
        }

        rules.Demand("AuditEvent", SmartPermissions.Read);
        if (rules.ScopeRestriction("AuditEvent", SmartPermissions.Read | SmartPermissions.Search) is not null)
        {
            throw FhirException.Forbidden("$disclosures is for the patient and for staff whose scopes read every AuditEvent (user/AuditEvent.rs or system/AuditEvent.rs).");
        }
    }
}
