using FhirMh.FhirServer.Interactions.Bundles;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.ProviderRegistry;

/// <summary>
/// References of a directory resource to other resources of this server resolve: a PractitionerRole
/// at an Organization that does not exist would send a referral nowhere. Relative literal
/// references (<c>Organization/123</c>) are checked; contained (<c>#x</c>), absolute and logical
/// (identifier only) references are not, as this server cannot vouch for them. It runs when the
/// write's transaction commits, so a transaction Bundle may refer to resources it creates later.
/// </summary>
internal static class DirectoryReferences
{
    /// <exception cref="FhirException">422 at the first reference whose target does not exist or is deleted.</exception>
    public static async Task CheckAsync(FhirDbContext db, Resource resource, CancellationToken cancellationToken)
    {
        var references = new List<(string Type, string Id, string Path)>();
        foreach (var (element, path) in ReferenceResolver.Descendants(resource, resource.TypeName))
        {
            if (element is ResourceReference { Reference: { } text } && ReferenceValue.Parse(text) is { TargetType: { } type, TargetId: { } id })
            {
                references.Add((type, id, path));
            }
        }

        if (references.Count == 0)
        {
            return;
        }

        var ids = references.Select(r => r.Id).Distinct().ToList();
        var existing = (await db.Resources
                .Where(r => r.IsCurrent && !r.IsDeleted && ids.Contains(r.ResourceId))
                .Select(r => new { r.ResourceType, r.ResourceId })
                .ToListAsync(cancellationToken))
            .Select(r => (r.ResourceType, r.ResourceId))
            .ToHashSet();
        foreach (var (type, id, path) in references)
        {
            if (!existing.Contains((type, id)))
            {
                throw FhirException.Of(
                    StatusCodes.Status422UnprocessableEntity,
                    OperationOutcome.IssueType.NotFound,
                    $"{type}/{id} does not exist on this server; a directory entry can only refer to records the directory holds.",
                    path);
            }
        }
    }
}
