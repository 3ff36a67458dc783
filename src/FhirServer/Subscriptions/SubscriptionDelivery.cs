using System.Text;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Subscriptions;

/// <summary>
/// Posts one notification to a rest-hook endpoint (R4 subscription.html#2.46.7.1). Only an
/// endpoint the allow-list admits is called, redirects are not followed, and any 2xx answer is
/// success; anything else, a timeout or a refused connection is a failure the dispatcher retries.
/// </summary>
internal sealed class SubscriptionDelivery(IHttpClientFactory clients, EndpointAllowList allowList, IOptions<SubscriptionOptions> options)
{
    public const string ClientName = "subscriptions";

    /// <summary>Null on success, else why it failed.</summary>
    public async Task<string?> PostAsync(ParsedSubscription subscription, string? notification, CancellationToken cancellationToken)
    {
        if (!allowList.Allows(subscription.Endpoint))
        {
            return $"{subscription.Endpoint.GetLeftPart(UriPartial.Authority)} is no longer in Subscriptions:AllowedEndpoints.";
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Endpoint);
        if (notification is not null)
        {
            request.Content = new StringContent(notification, Encoding.UTF8, "application/fhir+json");
        }

        foreach (var (name, value) in subscription.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(subscription.Timeout?.ToTimeSpan() ?? options.Value.DeliveryTimeout);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.IsSuccessStatusCode ? null : $"The endpoint answered {(int)response.StatusCode} {response.ReasonPhrase}.";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "The endpoint did not answer in time.";
        }
        catch (HttpRequestException e)
        {
            return $"The endpoint could not be reached: {e.Message}";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever one endpoint does fails its own notification, never the round.
            return $"The notification could not be sent: {e.Message}";
        }
    }
}
