using FhirMh.FhirServer.Search.Indexing;
using FhirMh.FhirServer.Subscriptions;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Storage;

/// <summary>
/// The versions a <see cref="ResourceStore"/> has written but not saved yet: their rows (and
/// outbox events) wait in EF Core's change tracker, their index rows beside it, untracked. Once
/// the rows are saved and have the ids the database assigned, <see cref="IndexRowWriter"/>
/// inserts the index rows in the same transaction. One per scope, like the store.
/// </summary>
internal sealed class PendingVersions(FhirDbContext db, VersionRows versions, IndexRowWriter indexRows, SubscriptionCatalog subscriptions)
{
    private static readonly string DeleteIndexRowsSql =
        string.Concat(SearchIndexModel.Tables.Select(table => $"DELETE FROM {table} WHERE row_id = {{0}};"));

    private readonly List<IndexRow> _index = [];

    /// <summary>True when a Subscription version waits to be saved: the catalog stamp changes with it (<see cref="SaveAsync"/>).</summary>
    private bool _changesSubscriptions;

    /// <summary>
    /// The row of a new version, tracked together with its outbox event when it meets the criteria
    /// of a subscription, so that one SaveChanges writes both; its index rows wait for
    /// <see cref="SaveAsync"/>. A delete records no event: with no content left, it matches no
    /// subscription criteria.
    /// </summary>
    public ResourceRow Add(Resource resource, int versionId, string method, int status)
    {
        var (row, index) = versions.New(resource, versionId, method, status);
        _index.AddRange(index);
        _changesSubscriptions |= row.ResourceType == SubscriptionCatalog.ResourceType;
        if (subscriptions.IsWatched(row.ResourceType))
        {
            // Matched here, on the index values just extracted, so the dispatcher need not parse
            // the version again. The outbox row commits with the version or not at all, so no
            // change escapes the subscriptions.
            var matched = subscriptions.Matching(new ChangedVersion(row.ResourceType, row.ResourceId, index, resource.ToPocoNode(ModelInfo.ModelInspector)));
            if (matched.Count > 0)
            {
                db.Add(new SubscriptionEventRow { Row = row, SubscriptionIds = string.Join(',', matched) });
            }
        }

        return row;
    }

    public ResourceRow Tombstone(string type, string id, int versionId)
    {
        _changesSubscriptions |= type == SubscriptionCatalog.ResourceType;
        return versions.Tombstone(type, id, versionId);
    }

    /// <summary>
    /// Saves the tracked versions (and outbox events), then inserts the index rows of those
    /// versions, which need the row ids the database has just assigned.
    /// </summary>
    /// <returns>True when one of the versions saved is a Subscription: the catalog stamp must change before the commit.</returns>
    public async Task<bool> SaveAsync(CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        foreach (var indexRow in _index)
        {
            indexRow.RowId = indexRow.Row!.RowId;
        }

        await indexRows.WriteAsync(db, _index, cancellationToken);
        _index.Clear();
        var changedSubscriptions = _changesSubscriptions;
        _changesSubscriptions = false;
        return changedSubscriptions;
    }

    /// <summary>Drops whatever is waiting to be saved: after a save, or when a write gives up.</summary>
    public void Forget()
    {
        db.ChangeTracker.Clear();
        _index.Clear();
        _changesSubscriptions = false;
    }

    /// <summary>Index rows belong to the current version only; a superseded version's go in the same transaction.</summary>
    public Task<int> DeleteIndexRowsAsync(long rowId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(DeleteIndexRowsSql, [rowId], cancellationToken);
}
