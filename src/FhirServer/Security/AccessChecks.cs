using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search;
using FhirMh.FhirServer.Search.Sql;
using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// Checks of single resources against the caller's scopes, in the same SQL as search
/// (<see cref="SearchQueryBuilder.Reachable"/>), so that read, history, includes and writes
/// follow exactly the rules search follows.
/// </summary>
internal sealed class AccessChecks(AccessRules rules, SearchQueryBuilder builder, CallerContext caller, ResourceStore store)
{
    /// <summary>What the caller may see: a resource it may read or search for.</summary>
    public const SmartPermissions Seeing = SmartPermissions.Read | SmartPermissions.Search;

    /// <summary>What a write must stay within: the scopes that create or update.</summary>
    public const SmartPermissions Writing = SmartPermissions.Create | SmartPermissions.Update;

    public bool Restricts(string type, SmartPermissions permissions) => rules.Restriction(type, permissions) is not null;

    /// <summary>
    /// 404, as for a resource that does not exist, unless the caller's scopes granting
    /// <paramref name="permissions"/> reach the current version of <paramref name="type"/>/<paramref name="id"/>.
    /// </summary>
    public async Task EnsureReachableAsync(string type, string id, SmartPermissions permissions, CancellationToken cancellationToken)
    {
        if (Restricts(type, permissions) && !await IsReachableAsync(type, id, permissions, cancellationToken))
        {
            throw FhirException.NotFound($"{type}/{id} is not known.");
        }
    }

    /// <summary>
    /// <see cref="EnsureReachableAsync"/> for a read. On PostgreSQL, when consent is all that
    /// restricts the caller's reach of the type, the current version is read with its consent
    /// verdict in one statement and returned for the read to use; otherwise null, and the read
    /// reads it itself.
    /// </summary>
    public async Task<StoredVersion?> EnsureReadableAsync(string type, string id, CancellationToken cancellationToken)
    {
        if (rules.Restriction(type, Seeing) is { Consent: { } consent, Alternatives: [[]] } && store.CanReadWithConsent)
        {
            var (current, isHidden) = await store.ReadCurrentAsync(type, id, consent, cancellationToken);
            return current is { IsDeleted: false } && !isHidden ? current : throw FhirException.NotFound($"{type}/{id} is not known.");
        }

        await EnsureReachableAsync(type, id, Seeing, cancellationToken);
        return null;
    }

    public async Task<bool> IsReachableAsync(string type, string id, SmartPermissions permissions, CancellationToken cancellationToken)
    {
        // Most patients have no consent: when the scopes reach every row of the type and the
        // default permits, a small query settles it without the whole consent predicate.
        if (rules.Restriction(type, permissions) is { Consent: { IsDenyByDefault: false } consent } restriction &&
            restriction.Alternatives is [[]] &&
            await builder.HasNoConsentAsync(type, id, consent, cancellationToken))
        {
            return true;
        }

        return await builder.Reachable(type, permissions, caller.BaseUrl).AnyAsync(r => r.ResourceId == id, cancellationToken);
    }

    /// <summary>403 when an existing, live resource is outside the scopes that let the caller change it (checked before the write).</summary>
    public async Task EnsureChangeableAsync(string type, string id, SmartPermissions permissions, FhirDbContext db, CancellationToken cancellationToken)
    {
        if (!Restricts(type, permissions))
        {
            return;
        }

        var exists = await db.Resources.AnyAsync(r => r.ResourceType == type && r.ResourceId == id && r.IsCurrent && !r.IsDeleted, cancellationToken);
        if (exists && !await IsReachableAsync(type, id, permissions, cancellationToken))
        {
            throw FhirException.Forbidden($"{type}/{id} is outside what the access token's scopes allow this caller to change.");
        }
    }

    /// <summary>403 when the version just written is outside the scopes that let the caller write it (checked before commit, so the write is undone).</summary>
    public async Task EnsureWrittenWithinAsync(string type, string id, CancellationToken cancellationToken)
    {
        if (!await IsReachableAsync(type, id, Writing, cancellationToken))
        {
            throw FhirException.Forbidden(
                $"The {type} written is outside what the access token's scopes allow (for a patient scope, it must be in the patient's compartment; for a scope with parameters, it must match them). Nothing was written.");
        }
    }

    /// <summary>The rows the caller may see, in their order: included resources go through here.</summary>
    public async Task<List<MatchedRow>> VisibleAsync(List<MatchedRow> rows, CancellationToken cancellationToken)
    {
        var hidden = await HiddenAsync(rows.Select(r => (r.RowId, r.ResourceType)), cancellationToken);
        return hidden.Count == 0 ? rows : rows.Where(r => !hidden.Contains(r.RowId)).ToList();
    }

    /// <summary>The row ids of those given that the caller may see.</summary>
    public async Task<IEnumerable<long>> VisibleRowIdsAsync(IReadOnlyCollection<(long RowId, string ResourceType)> rows, CancellationToken cancellationToken)
    {
        var hidden = await HiddenAsync(rows, cancellationToken);
        return rows.Select(r => r.RowId).Where(id => !hidden.Contains(id));
    }

    private async Task<HashSet<long>> HiddenAsync(IEnumerable<(long RowId, string ResourceType)> rows, CancellationToken cancellationToken)
    {
        var hidden = new HashSet<long>();
        foreach (var group in rows.GroupBy(r => r.ResourceType).Where(g => Restricts(g.Key, Seeing)))
        {
            var ids = group.Select(r => r.RowId).ToList();
            var visible = await builder.Reachable(group.Key, Seeing, caller.BaseUrl).Where(r => ids.Contains(r.RowId)).Select(r => r.RowId).ToListAsync(cancellationToken);
            hidden.UnionWith(ids.Except(visible));
        }

        return hidden;
    }

    /// <summary>Of the resources named, those the caller may not see, as <c>Type/id</c>.</summary>
    public async Task<HashSet<string>> HiddenAsync(IEnumerable<(string Type, string Id)> resources, CancellationToken cancellationToken)
    {
        var hidden = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in resources.Distinct().GroupBy(r => r.Type).Where(g => Restricts(g.Key, Seeing)))
        {
            var ids = group.Select(r => r.Id).ToList();
            var visible = await builder.Reachable(group.Key, Seeing, caller.BaseUrl).Where(r => ids.Contains(r.ResourceId)).Select(r => r.ResourceId).ToListAsync(cancellationToken);
            hidden.UnionWith(ids.Except(visible).Select(id => $"{group.Key}/{id}"));
        }

        return hidden;
    }

    /// <summary>The current rows of <paramref name="type"/> the caller may see, or null when it sees all of them: history filters its versions by these.</summary>
    public IQueryable<ResourceRow>? VisibleCurrent(string type) =>
        Restricts(type, Seeing) ? builder.Reachable(type, Seeing, caller.BaseUrl) : null;
}
