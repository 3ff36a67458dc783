using System.Runtime.CompilerServices;
using FhirMh.FhirServer.Security;
using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace FhirMh.FhirServer.Search.Sql;

/// <summary>
/// The queries every secured read of a single resource asks first ("does any patient of it have a
/// consent?"), compiled once per EF Core model: building and hashing their expression trees again
/// per request cost more than PostgreSQL takes to answer them. A compiled query is bound to the
/// model it was compiled for, and SQLite and PostgreSQL have one each.
/// </summary>
internal sealed class ConsentQueries
{
    private static readonly ConditionalWeakTable<IModel, ConsentQueries> PerModel = [];

    /// <summary>True when the current, live Patient exists and has no indexed consent.</summary>
    public Func<FhirDbContext, string, CancellationToken, Task<bool>> PatientHasNoConsent { get; } =
        EF.CompileAsyncQuery((FhirDbContext db, string id, CancellationToken _) =>
            db.Resources.Any(r => r.ResourceType == "Patient" && r.ResourceId == id && r.IsCurrent && !r.IsDeleted &&
                !db.Set<ConsentProvisionRow>().Any(n => n.PatientId == r.ResourceId)));

    /// <summary>True when the current, live resource exists and none of the patients it refers to through the given parameters has an indexed consent.</summary>
    public Func<FhirDbContext, string, string, string[], CancellationToken, Task<bool>> ResourceHasNoConsent { get; } =
        EF.CompileAsyncQuery((FhirDbContext db, string type, string id, string[] parameters, CancellationToken _) =>
            db.Resources.Any(r => r.ResourceType == type && r.ResourceId == id && r.IsCurrent && !r.IsDeleted &&
                !db.ReferenceIndex.Any(x => x.RowId == r.RowId && x.TargetType == "Patient" && parameters.Contains(x.Param) &&
                    db.Set<ConsentProvisionRow>().Any(n => n.PatientId == x.TargetId))));

    public static ConsentQueries Of(IModel model) => PerModel.GetValue(model, _ => new ConsentQueries());
}
