using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.ProviderRegistry;

/// <summary>
/// The provider registry's rules on every write of a directory resource (create, update, patch,
/// conditional forms, batch and transaction entries), inside the write's transaction: identifier
/// uniqueness and duplicate detection for Practitioners and Organizations, and references that
/// resolve for every directory type.
/// </summary>
internal sealed class DirectoryCuration(
    FhirDbContext db,
    ResourceStore store,
    DuplicateDetection duplicates,
    IOptions<ProviderRegistryOptions> options)
{
    public bool IsEnabled => options.Value.Enabled;

    public bool Applies(Resource resource) => IsEnabled && DirectoryTypes.All.Contains(resource.TypeName);

    /// <summary>After <paramref name="resource"/> was written as <paramref name="version"/>, in the same store transaction.</summary>
    /// <exception cref="Rest.FhirException">409 for an identifier another record has; 422 (at commit) for a reference that does not resolve.</exception>
    public async Task AfterWriteAsync(Resource resource, StoredVersion version, CancellationToken cancellationToken)
    {
        var id = version.ResourceId;
        if (DirectoryTypes.Curated.Contains(resource.TypeName))
        {
            // Pending creates of a transaction Bundle are saved first, so that they are seen.
            await store.FlushAsync(cancellationToken);
            var (record, keys) = duplicates.Prepare(resource, id);
            await TransactionLocks.TakeAsync(
                db,
                IdentifierUniqueness.LockNames(resource).Concat(DuplicateDetection.LockNames(resource.TypeName, keys)),
                cancellationToken);
            await IdentifierUniqueness.CheckAsync(db, resource, id, cancellationToken);
            await duplicates.DetectAsync(resource.TypeName, id, record, keys, cancellationToken);
        }

        store.BeforeCommit(ct => DirectoryReferences.CheckAsync(db, resource, ct));
    }

    /// <summary>After a directory resource was deleted, in the same store transaction.</summary>
    public Task AfterDeleteAsync(string type, string id, CancellationToken cancellationToken) =>
        DirectoryTypes.Curated.Contains(type) ? duplicates.ForgetAsync(type, id, cancellationToken) : Task.CompletedTask;
}
