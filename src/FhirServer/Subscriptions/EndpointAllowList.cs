using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Subscriptions;

/// <summary>
/// The endpoints notifications may go to (<see cref="SubscriptionOptions.AllowedEndpoints"/>).
/// Checked when a Subscription is written and again before every delivery, so narrowing the list
/// stops deliveries at once. Redirects are never followed (SubscriptionDelivery), so an allowed
/// host cannot bounce a notification elsewhere.
/// </summary>
internal sealed class EndpointAllowList(IOptionsMonitor<SubscriptionOptions> options)
{
    public bool Allows(Uri endpoint)
    {
        if (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp)
        {
            return false;
        }

        foreach (var entry in options.CurrentValue.AllowedEndpoints)
        {
            if (Uri.TryCreate(entry, UriKind.Absolute, out var origin) && origin.Scheme is "http" or "https")
            {
                // An origin: same scheme, host and port.
                if (origin.Scheme == endpoint.Scheme && string.Equals(origin.Host, endpoint.Host, StringComparison.OrdinalIgnoreCase) && origin.Port == endpoint.Port)
                {
                    return true;
                }
            }
            else if (endpoint.Scheme == Uri.UriSchemeHttps && string.Equals(entry, endpoint.Host, StringComparison.OrdinalIgnoreCase))
            {
                // A bare host name: https on any port.
                return true;
            }
        }

        return false;
    }
}
