using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using FhirMh.FhirServer.Subscriptions;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Operations.SubscriptionStatus;

/// <summary>
/// <c>GET [base]/Subscription/[id]/$status</c> and <c>GET [base]/Subscription/$status?id=...</c>
/// (backport IG, OperationDefinition backport-subscription-status): a searchset of
/// SubscriptionStatus Parameters, with the status the server holds and the events counted.
/// </summary>
internal sealed class SubscriptionStatusOperation(FhirDbContext db, SubscriptionReader reader, FhirSerializers serializers) : IFhirOperation
{
    public const string Name = "status";

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var ids = request.Id is { } id ? [id] : request.Parameters.Where(p => p.Key == "id").SelectMany(p => p.Value.Split(',')).ToList();
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Id = Guid.NewGuid().ToString("N") };
        foreach (var subscriptionId in ids)
        {
            var (subscription, state) = await SubscriptionStates.ReadAsync(db, reader, serializers, subscriptionId, request.BaseUrl, cancellationToken);
            if (subscription is null)
            {
                if (request.Id is not null)
                {
                    throw FhirException.NotFound($"Subscription/{subscriptionId} does not exist.");
                }

                continue;
            }

            var status = NotificationBundles.Status(subscription, request.BaseUrl, NotificationType.QueryStatus, state?.EventCount ?? 0, [], PayloadContent.Empty);
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"urn:uuid:{Guid.NewGuid()}",
                Resource = status,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }

        bundle.Total = bundle.Entry.Count;
        return FhirResponse.Of(StatusCodes.Status200OK, bundle);
    }
}

/// <summary>A stored Subscription, parsed, with the server's state of it.</summary>
internal static class SubscriptionStates
{
    public static async Task<(ParsedSubscription? Subscription, SubscriptionStateRow? State)> ReadAsync(
        FhirDbContext db, SubscriptionReader reader, FhirSerializers serializers, string id, string baseUrl, CancellationToken cancellationToken)
    {
        var current = await CurrentVersionReader.ReadAsync(db, "Subscription", id, cancellationToken);
        if (current is not { IsDeleted: false, Json: { } json })
        {
            return (null, null);
        }

        var state = await db.Set<SubscriptionStateRow>().AsNoTracking().FirstOrDefaultAsync(s => s.SubscriptionId == id, cancellationToken);
        try
        {
            return (reader.Read((Subscription)serializers.ParseJson(json), state?.BaseUrl ?? baseUrl), state);
        }
        catch (FhirException e)
        {
            throw FhirException.Of(StatusCodes.Status422UnprocessableEntity, OperationOutcome.IssueType.NotSupported, $"Subscription/{id} cannot be served: {e.Message}", "Subscription");
        }
    }
}
