using FhirMh.FhirServer.Search;
using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// The actors the caller of a request is, as references (<c>Type/id</c>): its fhirUser; for a
/// Practitioner, its PractitionerRoles in use and, through them, their Organizations and
/// HealthcareServices; for a PractitionerRole, its own Organization and HealthcareServices; the
/// CareTeams the practitioner or its roles take part in; and the client application. Consent
/// matches provisions' actors against them, the referral workflow a Task's requester and owner.
/// Read once per request, through the short-lived cache of <see cref="ConsentActors"/>.
/// </summary>
internal sealed class CallerActors(CallerContext callerContext, FhirDbContext db, ConsentActors cache)
{
    private List<string>? _actors;

    /// <summary>The actors of the current caller; none when security is off (the caller is unrestricted).</summary>
    public async Task<IReadOnlyList<string>> OfCallerAsync(CancellationToken cancellationToken)
    {
        var caller = callerContext.Current;
        if (caller.IsUnrestricted)
        {
            return [];
        }

        return _actors ??= await cache.GetAsync(caller, ct => ReadAsync(caller, ct), cancellationToken);
    }

    private async Task<List<string>> ReadAsync(Caller caller, CancellationToken cancellationToken)
    {
        var actors = new List<string>();
        if (caller.ClientId is { } clientId)
        {
            actors.Add(ConsentProvisions.ClientActor(clientId));
        }

        if (caller.FhirUser is not { } fhirUser || ReferenceValue.Parse(fhirUser) is not { TargetType: { } type, TargetId: { } id })
        {
            return actors;
        }

        actors.Add($"{type}/{id}");
        if (type is not ("Practitioner" or "PractitionerRole"))
        {
            return actors;
        }

        // The roles in use: a role with active = false no longer makes its practitioner act for
        // its organization (PractitionerRole.active; a role that does not say is taken as in use).
        var roleRows = db.Resources.Where(r => r.ResourceType == "PractitionerRole" && r.IsCurrent && !r.IsDeleted &&
            !db.TokenIndex.Any(t => t.RowId == r.RowId && t.Param == "active" && t.Code == "false"));
        roleRows = type == "Practitioner"
            ? roleRows.Where(r => db.ReferenceIndex.Any(x => x.RowId == r.RowId && x.Param == "practitioner" && x.TargetType == "Practitioner" && x.TargetId == id))
            : roleRows.Where(r => r.ResourceId == id);
        var roles = await roleRows.Select(r => r.ResourceId).ToListAsync(cancellationToken);
        var affiliations = await db.ReferenceIndex
            .Where(x => ((x.Param == "organization" && x.TargetType == "Organization") || (x.Param == "service" && x.TargetType == "HealthcareService")) &&
                roleRows.Any(r => r.RowId == x.RowId))
            .Select(x => x.TargetType + "/" + x.TargetId)
            .Distinct()
            .ToListAsync(cancellationToken);
        if (type == "Practitioner")
        {
            actors.AddRange(roles.Select(r => "PractitionerRole/" + r));
        }

        actors.AddRange(affiliations);

        // CareTeams with the practitioner, or one of its roles, as a participant.
        var participants = db.ReferenceIndex.Where(x => x.ResourceType == "CareTeam" && x.Param == "participant");
        participants = type == "Practitioner"
            ? participants.Where(x => (x.TargetType == "Practitioner" && x.TargetId == id) || (x.TargetType == "PractitionerRole" && roles.Contains(x.TargetId!)))
            : participants.Where(x => x.TargetType == "PractitionerRole" && x.TargetId == id);
        var careTeams = await participants
            .Join(db.Resources.Where(r => r.IsCurrent && !r.IsDeleted), x => x.RowId, r => r.RowId, (x, r) => r.ResourceId)
            .Distinct()
            .ToListAsync(cancellationToken);
        actors.AddRange(careTeams.Select(c => "CareTeam/" + c));
        return actors;
    }
}
