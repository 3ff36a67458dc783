namespace FhirMh.FhirServer.Storage;

/// <summary>Current resources that refer to one resource through one reference search parameter, by the reference index.</summary>
internal static class ReferringRows
{
    /// <summary>E.g. the Observations whose <c>derived-from</c> is <c>QuestionnaireResponse/{id}</c>.</summary>
    public static IQueryable<ResourceRow> Referring(this FhirDbContext db, string resourceType, string param, string targetType, string targetId) =>
        db.ReferenceIndex
            .Where(x => x.ResourceType == resourceType && x.Param == param && x.TargetType == targetType && x.TargetId == targetId)
            .Join(db.Resources, x => x.RowId, r => r.RowId, (x, r) => r)
            .Where(r => r.IsCurrent && !r.IsDeleted);
}
