using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.ProviderRegistry;

/// <summary>
/// One record per identifier: a second Practitioner (or Organization) with the system and value
/// of another's identifier is refused, so a licence number names one practitioner. The check
/// runs after the write, inside its transaction, under a lock per identifier
/// (<see cref="LockNames"/>): of two concurrent writers of one identifier the second waits and
/// then sees the first.
/// </summary>
internal static class IdentifierUniqueness
{
    public static IEnumerable<string> LockNames(Resource resource) =>
        Identifiers(resource).Select(i => $"directory-identifier|{resource.TypeName}|{i.System}|{i.Value}");

    /// <exception cref="FhirException">409 naming the record that has the identifier already.</exception>
    public static async Task CheckAsync(FhirDbContext db, Resource resource, string id, CancellationToken cancellationToken)
    {
        var type = resource.TypeName;
        foreach (var (system, value, index) in Identifiers(resource))
        {
            var existing = await db.TokenIndex
                .Where(x => x.ResourceType == type && x.Param == "identifier" && x.System == system && x.Code == value)
                .Join(db.Resources.Where(r => r.IsCurrent && !r.IsDeleted && r.ResourceId != id), x => x.RowId, r => r.RowId, (x, r) => r.ResourceId)
                .FirstOrDefaultAsync(cancellationToken);
            if (existing is not null)
            {
                throw FhirException.Of(
                    StatusCodes.Status409Conflict,
                    OperationOutcome.IssueType.Duplicate,
                    $"{type}/{existing} already has the identifier {system}|{value}; update that record instead of adding another.",
                    $"{type}.identifier[{index}]");
            }
        }
    }

    private static IEnumerable<(string System, string Value, int Index)> Identifiers(Resource resource)
    {
        var identifiers = resource switch
        {
            Practitioner practitioner => practitioner.Identifier,
            Organization organization => organization.Identifier,
            _ => [],
        };
        return identifiers
            .Select((identifier, index) => (identifier.System, identifier.Value, index))
            .Where(i => !string.IsNullOrEmpty(i.System) && !string.IsNullOrEmpty(i.Value))
            .Select(i => (i.System!, i.Value!, i.index));
    }
}
