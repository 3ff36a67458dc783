using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Interactions.Bundles;

/// <summary>
/// Resolves the conditional entries of a transaction inside its database transaction, before
/// references are rewritten (http.html#trules): a conditional create's fullUrl must stand for
/// the match when there is one, and a conditional update, patch or delete must name the
/// resource it writes so that "each resource once" can be checked.
/// </summary>
internal sealed class ConditionalEntries(ConditionalMatches conditional, IOptions<SearchOptions> options)
{
    /// <summary>The entries with conditional writes turned into writes of their match, and the matches of conditional creates by entry index.</summary>
    public async Task<(List<EntryRequest> Entries, Dictionary<int, string> Existing)> ResolveAsync(
        IReadOnlyList<EntryRequest> parsed, IReadOnlyList<Bundle.EntryComponent> entries, string baseUrl, CancellationToken cancellationToken)
    {
        var resolved = new List<EntryRequest>(parsed.Count);
        var existing = new Dictionary<int, string>();
        foreach (var entry in parsed)
        {
            var resource = entries[entry.Index].Resource;
            try
            {
                if (entry.Method == Bundle.HTTPVerb.POST && entry.IfNoneExist is { } condition)
                {
                    var criteria = ConditionalMatches.ParseQuery(condition);
                    await conditional.LockAsync(entry.ResourceType!, criteria, cancellationToken);
                    var matches = await conditional.FindAsync(entry.ResourceType!, criteria, baseUrl, 2, cancellationToken);
                    if (matches.Count > 1)
                    {
                        throw FhirException.PreconditionFailed($"ifNoneExist '{condition}' matches more than one {entry.ResourceType}.");
                    }

                    if (matches.Count == 1)
                    {
                        existing[entry.Index] = matches[0];
                    }

                    resolved.Add(entry);
                }
                else if (entry.IsConditionalWrite)
                {
                    resolved.Add(await ResolveWriteAsync(entry, resource, baseUrl, cancellationToken));
                }
                else
                {
                    resolved.Add(entry);
                }
            }
            catch (FhirException e)
            {
                throw FhirException.WithOutcome(e.StatusCode, EntryFailure.Readdress(e.Outcome, entry, resource?.TypeName));
            }
        }

        return (resolved, existing);
    }

    private async Task<EntryRequest> ResolveWriteAsync(EntryRequest entry, Resource? resource, string baseUrl, CancellationToken cancellationToken)
    {
        var type = entry.ResourceType!;
        await conditional.LockAsync(type, entry.Parameters, cancellationToken);
        var matches = await conditional.FindAsync(type, entry.Parameters, baseUrl, 2, cancellationToken);
        switch (entry.Method, matches.Count)
        {
            case (Bundle.HTTPVerb.PUT, 0):
                // No match: the update creates (http.html#cond-update), under the body's id or a new one.
                var newId = string.IsNullOrEmpty(resource?.Id) ? ResourceStore.NewId() : resource.Id;
                if (resource is not null)
                {
                    resource.Id = newId;
                }

                return entry with { Id = newId, Parameters = [] };
            case (Bundle.HTTPVerb.PUT, 1):
                if (resource is not null && !string.IsNullOrEmpty(resource.Id) && resource.Id != matches[0])
                {
                    throw FhirException.BadRequest($"The resource id '{resource.Id}' is not the id '{matches[0]}' of the {type} the criteria match.", $"{type}.id");
                }

                if (resource is not null)
                {
                    resource.Id = matches[0];
                }

                return entry with { Id = matches[0], Parameters = [] };
            case (Bundle.HTTPVerb.PATCH, 0):
                throw FhirException.NotFound($"No {type} matches the criteria of the conditional patch.");
            case (Bundle.HTTPVerb.DELETE, 0):
                return entry;
            case (_, 1):
                return entry with { Id = matches[0], Parameters = [] };
            case (Bundle.HTTPVerb.DELETE, _) when options.Value.AllowMultipleConditionalDelete:
                return entry;
            default:
                throw FhirException.PreconditionFailed($"The criteria match more than one {type}; a conditional {entry.Method} in a transaction needs at most one.");
        }
    }
}
