using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FhirMh.FhirServer.Serialization;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Subscriptions;

/// <summary>One event of a notification: its number, when it happened, and the version it is about (with its stored JSON).</summary>
internal sealed record NotificationEvent(long EventNumber, Instant OccurredAt, string ResourceType, string ResourceId, int VersionId, string Method, int Status, string? Json);

/// <summary>
/// Builds notification Bundles as the backport IG shapes them for R4
/// (backport-subscription-notification-r4): a history Bundle whose first entry is the
/// SubscriptionStatus Parameters (as a <c>$status</c> answer), followed by the focus resources
/// as the payload content allows: none, their URLs, or the resources themselves. The Bundle is built
/// without the resources; <see cref="Serialize"/> puts the stored JSON of each in as it is, and
/// <see cref="WithResources"/> parses them for an answer that goes through the FHIR formatters.
/// </summary>
internal static class NotificationBundles
{
    /// <summary>
    /// The notification as JSON, each focus resource its stored JSON, untouched: the Bundle is
    /// serialized without them and copied once, each stored resource written in as raw JSON after
    /// its entry's <c>fullUrl</c>, so no resource is parsed to be sent.
    /// </summary>
    public static string Serialize(FhirSerializers serializers, Bundle bundle, IReadOnlyList<NotificationEvent> events, PayloadContent content)
    {
        var json = serializers.ToJson(bundle);
        if (content != PayloadContent.FullResource || events.Count == 0)
        {
            return json;
        }

        using var document = JsonDocument.Parse(json);
        var buffer = new ArrayBufferWriter<byte>(json.Length + events.Sum(e => e.Json?.Length ?? 0) + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!property.NameEquals("entry"))
                {
                    property.WriteTo(writer);
                    continue;
                }

                writer.WriteStartArray("entry");
                var index = 0;
                foreach (var entry in property.Value.EnumerateArray())
                {
                    // Entry 0 is the SubscriptionStatus; entry i + 1 is about events[i].
                    var stored = index > 0 && index <= events.Count ? events[index - 1].Json : null;
                    WriteEntry(writer, entry, stored);
                    index++;
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteEntry(Utf8JsonWriter writer, JsonElement entry, string? stored)
    {
        if (stored is null)
        {
            entry.WriteTo(writer);
            return;
        }

        writer.WriteStartObject();
        foreach (var property in entry.EnumerateObject())
        {
            property.WriteTo(writer);
            if (property.NameEquals("fullUrl"))
            {
                // Stored JSON is what the server itself serialized when the version was written.
                writer.WritePropertyName("resource");
                writer.WriteRawValue(stored, skipInputValidation: true);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>The notification with its focus resources parsed into it, for <c>$events</c>.</summary>
    public static Bundle WithResources(FhirSerializers serializers, Bundle bundle, IReadOnlyList<NotificationEvent> events, PayloadContent content)
    {
        if (content == PayloadContent.FullResource)
        {
            for (var i = 0; i < events.Count; i++)
            {
                bundle.Entry[i + 1].Resource = events[i].Json is { } stored ? serializers.ParseJson(stored) : null;
            }
        }

        return bundle;
    }

    public static Bundle Build(ParsedSubscription subscription, string baseUrl, string type, long eventsSinceStart, IReadOnlyList<NotificationEvent> events, PayloadContent content, Instant now)
    {
        var bundle = new Bundle
        {
            Id = Guid.NewGuid().ToString("N"),
            Type = Bundle.BundleType.History,
            Timestamp = now.ToDateTimeOffset(),
            Meta = subscription.IsTopicBased ? new Meta { Profile = [Backport.NotificationProfile] } : null,
        };
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = $"urn:uuid:{Guid.NewGuid()}",
            Resource = Status(subscription, baseUrl, type, eventsSinceStart, events, content),
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = $"{baseUrl}/Subscription/{subscription.Id}/$status" },
            Response = new Bundle.ResponseComponent { Status = "200" },
        });
        if (content == PayloadContent.Empty)
        {
            return bundle;
        }

        foreach (var change in events)
        {
            var entry = new Bundle.EntryComponent
            {
                FullUrl = $"{baseUrl}/{change.ResourceType}/{change.ResourceId}",
                Request = new Bundle.RequestComponent
                {
                    Method = change.Method switch { "POST" => Bundle.HTTPVerb.POST, "PATCH" => Bundle.HTTPVerb.PATCH, _ => Bundle.HTTPVerb.PUT },
                    Url = change.Method == "POST" ? change.ResourceType : $"{change.ResourceType}/{change.ResourceId}",
                },
                Response = new Bundle.ResponseComponent
                {
                    Status = change.Status.ToString(CultureInfo.InvariantCulture),
                    Etag = $"W/\"{change.VersionId}\"",
                    LastModified = change.OccurredAt.ToDateTimeOffset(),
                },
            };
            bundle.Entry.Add(entry);
        }

        return bundle;
    }

    /// <summary>The SubscriptionStatus of the backport IG for R4 (backport-subscription-status-r4), a Parameters resource.</summary>
    public static Parameters Status(ParsedSubscription subscription, string baseUrl, string type, long eventsSinceStart, IReadOnlyList<NotificationEvent> events, PayloadContent content)
    {
        var status = new Parameters
        {
            Id = Guid.NewGuid().ToString("N"),
            Meta = new Meta { Profile = [Backport.StatusProfile] },
        };
        status.Add("subscription", new ResourceReference($"{baseUrl}/Subscription/{subscription.Id}"));
        if (subscription.Topic is { } topic)
        {
            status.Add("topic", new Canonical(topic.Url));
        }

        status.Add("status", new Code(subscription.Status));
        status.Add("type", new Code(type));
        status.Add("events-since-subscription-start", new FhirString(eventsSinceStart.ToString(CultureInfo.InvariantCulture)));
        foreach (var change in events)
        {
            var parts = new List<Tuple<string, Base>>
            {
                Tuple.Create<string, Base>("event-number", new FhirString(change.EventNumber.ToString(CultureInfo.InvariantCulture))),
                Tuple.Create<string, Base>("timestamp", new Hl7.Fhir.Model.Instant(change.OccurredAt.ToDateTimeOffset())),
            };
            if (content != PayloadContent.Empty)
            {
                parts.Add(Tuple.Create<string, Base>("focus", new ResourceReference($"{baseUrl}/{change.ResourceType}/{change.ResourceId}")));
            }

            status.Add("notification-event", parts);
        }

        return status;
    }
}
