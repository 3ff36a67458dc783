using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search.Parameters;
using FhirMh.FhirServer.Search.Reindexing;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace FhirMh.FhirServer.Search.Stored;

/// <summary>
/// What every resource write does about stored SearchParameters, inside its transaction: it takes
/// the <see cref="WriteLock"/> (exclusively when it writes a SearchParameter, which is what keeps a
/// version from being indexed by neither its writer nor the parameter's re-index job) and checks
/// the parameters' stamp.
/// </summary>
internal sealed class SearchParameterWrites(StoredSearchParameters stored, SearchParameterRegistry registry, FhirSerializers serializers, IClock clock)
{
    /// <summary>Called by every write, inside its transaction, before it assigns <c>lastUpdated</c> or indexes anything.</summary>
    public Task EnterAsync(FhirDbContext db, string resourceType, CancellationToken cancellationToken)
    {
        var isExclusive = resourceType == StoredSearchParameters.ResourceType;
        return stored.SyncAsync(db, (d, ct) => WriteLock.TakeThenReadStampAsync(d, isExclusive, ct), cancellationToken);
    }

    /// <summary>
    /// After a new version of a SearchParameter (or its tombstone) is saved: checks it, ends the
    /// jobs of its earlier versions, writes the job of this one and gives the set a new stamp.
    /// </summary>
    /// <exception cref="FhirException">400 for an active SearchParameter this server cannot use,
    /// 422 when its code is taken on one of its base types; the caller's transaction rolls back.</exception>
    public async Task AfterWriteAsync(FhirDbContext db, ResourceRow row, CancellationToken cancellationToken)
    {
        if (row.ResourceType != StoredSearchParameters.ResourceType)
        {
            return;
        }

        var parameter = row.IsDeleted || serializers.ParseJson(row.Json!) is not SearchParameter resource
            ? null
            : StoredParameterReader.Read(resource, row.ResourceId, row.VersionId);
        var newTypes = parameter is null ? [] : CheckCode(parameter);

        var now = clock.GetCurrentInstant();
        await db.ReindexJobs
            .Where(j => j.SearchParameterId == row.ResourceId && (j.Status == ReindexJobStatus.Pending || j.Status == ReindexJobStatus.Running))
            .ExecuteUpdateAsync(
                s => s.SetProperty(j => j.Status, ReindexJobStatus.Superseded).SetProperty(j => j.FinishedAt, now).SetProperty(j => j.UpdatedAt, now),
                cancellationToken);
        if (parameter is { IsIndexed: true } && newTypes.Count > 0)
        {
            db.ReindexJobs.Add(new ReindexJob
            {
                SearchParameterId = row.ResourceId,
                SearchParameterVersion = row.VersionId,
                Code = parameter.Code,
                ResourceTypes = string.Join(' ', newTypes),
                Status = ReindexJobStatus.Pending,
                CreatedAt = now,
                UpdatedAt = now,
            });
            await db.SaveChangesAsync(cancellationToken);
        }

        await db.SearchParameterStates
            .Where(s => s.Id == SearchParameterState.SingletonId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Stamp, Random.Shared.NextInt64()), cancellationToken);
    }

    /// <summary>
    /// A code names one parameter per type. A built-in parameter is never replaced: a stored
    /// copy of it (same canonical url) is accepted and changes nothing, any other SearchParameter
    /// with its code is refused, as is one whose code another active stored SearchParameter
    /// already has on a shared base (searchparameter.html: code is the name used in the URL).
    /// </summary>
    /// <returns>The base types where the parameter is new, which its job indexes.</returns>
    private List<string> CheckCode(StoredParameter parameter)
    {
        var newTypes = new List<string>();
        foreach (var type in parameter.Bases)
        {
            if (registry.BuiltIn(type).GetValueOrDefault(parameter.Code) is { } builtIn)
            {
                if (builtIn.Url != parameter.Url)
                {
                    throw FhirException.Of(
                        StatusCodes.Status422UnprocessableEntity,
                        OperationOutcome.IssueType.BusinessRule,
                        $"'{parameter.Code}' is a search parameter this server defines for {type} ({builtIn.Url}); a stored SearchParameter cannot replace it. Choose another code.",
                        "SearchParameter.code");
                }

                continue;
            }

            var other = stored.Current.Parameters.FirstOrDefault(p => p.Id != parameter.Id && p.Code == parameter.Code && p.Bases.Contains(type));
            if (other is not null)
            {
                throw FhirException.Of(
                    StatusCodes.Status422UnprocessableEntity,
                    OperationOutcome.IssueType.BusinessRule,
                    $"SearchParameter/{other.Id} already defines '{parameter.Code}' for {type}; retire it first or choose another code.",
                    "SearchParameter.code");
            }

            newTypes.Add(type);
        }

        return newTypes;
    }

    /// <summary>The transaction that wrote a SearchParameter has ended: the next search here checks the stamp.</summary>
    public void Ended() => stored.Invalidate();
}
