using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// Keeps the consent index in step with Consent resources, in the transaction of the write: after
/// a Consent is written or deleted, the effective consent of each patient it concerns (now or
/// before) is recomputed. A patient's effective consent is the latest (by <c>dateTime</c>, then by
/// when it was stored) of its active Consents with scope patient-privacy.
/// </summary>
internal sealed class ConsentIndex(FhirDbContext db, ResourceStore store, FhirSerializers serializers)
{
    private const string PrivacyScope = "patient-privacy";

    public static bool Applies(Resource resource) => resource is Consent;

    public async Task AfterWriteAsync(Consent consent, StoredVersion version, CancellationToken cancellationToken)
    {
        var patients = await PatientsOfAsync(version.ResourceId, cancellationToken);
        if (PatientOf(consent) is { } patient)
        {
            patients.Add(patient);
        }

        foreach (var p in patients)
        {
            await RebuildAsync(p, cancellationToken);
        }
    }

    public async Task AfterDeleteAsync(string consentId, CancellationToken cancellationToken)
    {
        foreach (var p in await PatientsOfAsync(consentId, cancellationToken))
        {
            await RebuildAsync(p, cancellationToken);
        }
    }

    private async Task<HashSet<string>> PatientsOfAsync(string consentId, CancellationToken cancellationToken) =>
        (await db.Set<ConsentProvisionRow>().Where(n => n.ConsentId == consentId).Select(n => n.PatientId).Distinct().ToListAsync(cancellationToken)).ToHashSet();

    private static string? PatientOf(Consent consent) =>
        consent.Patient?.Reference is { } text && Search.ReferenceValue.Parse(text) is { TargetType: "Patient", TargetId: { } id } ? id : null;

    /// <summary>Recomputes the effective consent of every patient some current Consent names: after an upgrade that brought the index.</summary>
    public async Task RebuildAllAsync(CancellationToken cancellationToken)
    {
        var patients = await db.ReferenceIndex
            .Where(x => x.ResourceType == "Consent" && x.Param == "patient" && x.TargetType == "Patient" && x.TargetId != null &&
                db.Resources.Any(r => r.RowId == x.RowId && r.IsCurrent && !r.IsDeleted))
            .Select(x => x.TargetId!)
            .Distinct()
            .ToListAsync(cancellationToken);
        foreach (var patient in patients)
        {
            await RebuildAsync(patient, cancellationToken);
        }
    }

    private async Task RebuildAsync(string patientId, CancellationToken cancellationToken)
    {
        await store.FlushAsync(cancellationToken);
        var candidates = await db.Resources
            .Where(r => r.ResourceType == "Consent" && r.IsCurrent && !r.IsDeleted &&
                db.ReferenceIndex.Any(x => x.RowId == r.RowId && x.Param == "patient" && x.TargetType == "Patient" && x.TargetId == patientId))
            .Select(r => new { r.ResourceId, r.LastUpdated, r.Json })
            .ToListAsync(cancellationToken);
        var effective = candidates
            .Select(c => (c.ResourceId, c.LastUpdated, Consent: (Consent)serializers.ParseJson(c.Json!)))
            .Where(c => c.Consent.Status == Consent.ConsentState.Active &&
                c.Consent.Scope?.Coding.Any(s => s.Code == PrivacyScope) == true &&
                PatientOf(c.Consent) == patientId)
            .OrderByDescending(c => c.Consent.DateTimeElement?.ToDateTimeOffset(TimeSpan.Zero))
            .ThenByDescending(c => c.LastUpdated)
            .FirstOrDefault();

        await db.Set<ConsentValueRow>().Where(v => v.PatientId == patientId).ExecuteDeleteAsync(cancellationToken);
        await db.Set<ConsentConditionRow>().Where(c => c.PatientId == patientId).ExecuteDeleteAsync(cancellationToken);
        await db.Set<ConsentProvisionRow>().Where(n => n.PatientId == patientId).ExecuteDeleteAsync(cancellationToken);
        if (effective.Consent is null)
        {
            return;
        }

        var (nodes, conditions, values) = ConsentProvisions.Flatten(patientId, effective.ResourceId, effective.Consent);
        db.AddRange(nodes);
        db.AddRange(conditions);
        db.AddRange(values);
        await db.SaveChangesAsync(cancellationToken);

        // Only these rows: the store's own tracked rows belong to the open transaction.
        foreach (var row in nodes.Cast<object>().Concat(conditions).Concat(values))
        {
            db.Entry(row).State = EntityState.Detached;
        }
    }
}
