using FhirMh.FhirServer.Search;
using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Security;

/// <summary>Whose data stored rows are: the Patient itself, or the patients a row's Patient-compartment references name.</summary>
internal sealed class AuditPatients(CompartmentDefinitions compartments)
{
    public async Task<Dictionary<long, HashSet<string>>> OfRowsAsync(FhirDbContext db, IReadOnlyCollection<long> rowIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<long, HashSet<string>>();
        if (rowIds.Count == 0)
        {
            return result;
        }

        var ids = rowIds.Distinct().ToList();
        var references = await db.ReferenceIndex
            .Where(x => ids.Contains(x.RowId) && x.TargetType == "Patient" && x.TargetId != null)
            .Select(x => new { x.RowId, x.ResourceType, x.Param, x.TargetId })
            .ToListAsync(cancellationToken);
        foreach (var x in references.Where(x => compartments.ParametersOf("Patient", x.ResourceType).Contains(x.Param)))
        {
            Add(result, x.RowId, x.TargetId!);
        }

        var patients = await db.Resources.Where(r => ids.Contains(r.RowId) && r.ResourceType == "Patient").Select(r => new { r.RowId, r.ResourceId }).ToListAsync(cancellationToken);
        foreach (var p in patients)
        {
            Add(result, p.RowId, p.ResourceId);
        }

        return result;
    }

    /// <summary>The effective Consent of each patient that has one.</summary>
    public static async Task<Dictionary<string, string>> ConsentsOfAsync(FhirDbContext db, IReadOnlyCollection<string> patientIds, CancellationToken cancellationToken)
    {
        if (patientIds.Count == 0)
        {
            return [];
        }

        var ids = patientIds.Distinct().ToList();
        return await db.Set<ConsentProvisionRow>()
            .Where(n => ids.Contains(n.PatientId) && n.Depth == 0)
            .ToDictionaryAsync(n => n.PatientId, n => n.ConsentId, cancellationToken);
    }

    private static void Add(Dictionary<long, HashSet<string>> result, long rowId, string patientId)
    {
        if (!result.TryGetValue(rowId, out var set))
        {
            result[rowId] = set = [];
        }

        set.Add(patientId);
    }
}
