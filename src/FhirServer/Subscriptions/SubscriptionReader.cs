using Hl7.FhirPath;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search.Parsing;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Subscriptions;

/// <summary>
/// Reads a Subscription resource (R4 subscription.html, and the backport IG for topic-based
/// ones) into a <see cref="ParsedSubscription"/>, or says what is wrong with it and where: a
/// Subscription the server cannot honour is refused when written, not discovered at delivery.
/// </summary>
internal sealed class SubscriptionReader(SearchParser parser, SubscriptionTopics topics, EndpointAllowList allowList)
{
    /// <summary>The longest wait for one delivery a Subscription may ask for.</summary>
    public static readonly NodaTime.Duration MaxTimeout = NodaTime.Duration.FromSeconds(30);

    /// <summary>
    /// The headers a Subscription may have sent: credentials and the subscriber's own. Host,
    /// Content-Length, Connection and the like would let a Subscription steer the request itself.
    /// </summary>
    private static bool IsSendableHeader(string name) =>
        name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) || name.StartsWith("X-", StringComparison.OrdinalIgnoreCase);

    /// <summary>Search result parameters mean nothing to a subscription.</summary>
    private static readonly HashSet<string> ResultParameters = new(StringComparer.Ordinal)
    {
        "_sort", "_count", "_include", "_revinclude", "_total", "_summary", "_elements", "_contained", "_containedType", "_format", "_pretty", "_page", "_type",
    };

    /// <exception cref="FhirException">422 naming the element at fault.</exception>
    public ParsedSubscription Read(Subscription subscription, string baseUrl)
    {
        var channel = subscription.Channel ?? throw Invalid("A Subscription needs a channel.", "Subscription.channel");
        if (channel.Type != Subscription.SubscriptionChannelType.RestHook)
        {
            throw Invalid($"Only rest-hook channels are supported, not {channel.TypeElement?.JsonValue ?? "none"}.", "Subscription.channel.type");
        }

        var endpoint = Endpoint(channel.Endpoint);
        var criteria = subscription.Criteria;
        if (string.IsNullOrWhiteSpace(criteria))
        {
            throw Invalid("A Subscription needs criteria: a topic canonical or a search such as Task?status=requested.", "Subscription.criteria");
        }

        var topic = topics.Find(criteria);
        var matchers = topic is not null
            ? TopicMatchers(topic, subscription.CriteriaElement.Extension.Where(e => e.Url == Backport.FilterCriteria).ToList(), baseUrl)
            : SearchMatchers(criteria, baseUrl);

        var payload = channel.Payload;
        if (payload is not null && payload is not ("application/fhir+json" or "application/json"))
        {
            throw Invalid($"Notifications are sent as application/fhir+json, not {payload}.", "Subscription.channel.payload");
        }

        return new ParsedSubscription(
            subscription.Id ?? string.Empty,
            subscription.Status?.ToString() switch
            {
                nameof(Subscription.SubscriptionStatus.Active) => ParsedSubscription.Active,
                nameof(Subscription.SubscriptionStatus.Error) => ParsedSubscription.Error,
                nameof(Subscription.SubscriptionStatus.Off) => ParsedSubscription.Off,
                _ => ParsedSubscription.Requested,
            },
            criteria,
            topic,
            matchers,
            endpoint,
            payload,
            Content(channel, topic is not null),
            Headers(channel.Header.OfType<string>()),
            Seconds(channel, Backport.HeartbeatPeriod),
            Timeout(channel),
            channel.GetExtensionValue<PositiveInt>(Backport.MaxCount)?.Value,
            subscription.EndElement?.Value is { } end ? Instant.FromDateTimeOffset(end) : null,
            subscription.Meta?.LastUpdated is { } lastUpdated ? Instant.FromDateTimeOffset(lastUpdated) : Instant.MinValue,
            baseUrl);
    }

    private Uri Endpoint(string? endpoint)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw Invalid("A rest-hook channel needs an absolute http or https endpoint.", "Subscription.channel.endpoint");
        }

        if (!allowList.Allows(uri))
        {
            throw FhirException.Of(
                StatusCodes.Status422UnprocessableEntity,
                OperationOutcome.IssueType.Security,
                $"Notifications may not be sent to {uri.GetLeftPart(UriPartial.Authority)}: it is not in Subscriptions:AllowedEndpoints.",
                "Subscription.channel.endpoint");
        }

        return uri;
    }

    /// <summary>The R4 criteria form: <c>Type?param=value&amp;...</c>, checked on one version as search would.</summary>
    private Dictionary<string, ChangeMatcher> SearchMatchers(string criteria, string baseUrl)
    {
        var question = criteria.IndexOf('?', StringComparison.Ordinal);
        var type = question < 0 ? criteria : criteria[..question];
        if (!ModelInfo.IsKnownResource(type))
        {
            throw Invalid($"'{criteria}' is neither a topic this server offers nor a search on a resource type.", "Subscription.criteria");
        }

        var parsed = Criteria(type, question < 0 ? string.Empty : criteria[(question + 1)..], "Subscription.criteria");
        return new Dictionary<string, ChangeMatcher> { [type] = Matcher(parsed, null, [], baseUrl, "Subscription.criteria") };
    }

    /// <summary>
    /// A topic's triggers, narrowed by the subscriber's filters (backport-filter-criteria, e.g.
    /// <c>Task?owner=Organization/1</c>). A filter without a type applies to every type of the
    /// topic that has it; a type the filter cannot apply to is left out, since the subscriber asked
    /// for less.
    /// </summary>
    private Dictionary<string, ChangeMatcher> TopicMatchers(SubscriptionTopic topic, List<Extension> filters, string baseUrl)
    {
        var matchers = new Dictionary<string, ChangeMatcher>(StringComparer.Ordinal);
        foreach (var (type, trigger) in topic.Triggers)
        {
            var criteria = Criteria(type, trigger.Query, "Subscription.criteria").ToList();
            var organizations = new List<string>();
            var isFilterable = true;
            for (var i = 0; i < filters.Count; i++)
            {
                var expression = $"Subscription.criteria.extension[{i}]";
                var text = (filters[i].Value as FhirString)?.Value ?? throw Invalid("A filter criteria extension needs a valueString.", expression);
                var question = text.IndexOf('?', StringComparison.Ordinal);
                var filterType = question < 0 ? null : text[..question];
                if (filterType is not null && !topic.Triggers.ContainsKey(filterType))
                {
                    throw Invalid($"{filterType} is not a resource of topic {topic.Url}; it has {string.Join(", ", topic.Triggers.Keys)}.", expression);
                }

                if (filterType is not null && filterType != type)
                {
                    continue;
                }

                var query = question < 0 ? text : text[(question + 1)..];
                foreach (var (name, _) in Pairs(query, expression))
                {
                    var filter = FilterName(name);
                    if (!topic.Filters.TryGetValue(filter, out var byType))
                    {
                        throw Invalid($"'{filter}' is not a filter of topic {topic.Url}; it offers {string.Join(", ", topic.Filters.Keys)}.", expression);
                    }

                    isFilterable &= byType.ContainsKey(type);
                }

                if (!isFilterable)
                {
                    break;
                }

                foreach (var (name, value) in Pairs(query, expression))
                {
                    var parameter = topic.Filters[FilterName(name)][type];
                    if (parameter == SubscriptionTopics.PatientOrganization)
                    {
                        organizations.AddRange(value.Split(',').Select(v => Relative(v, baseUrl)));
                        continue;
                    }

                    criteria.AddRange(Criteria(type, $"{parameter}{name[FilterName(name).Length..]}={Uri.EscapeDataString(value)}", expression));
                }
            }

            if (isFilterable)
            {
                matchers[type] = Matcher(criteria, trigger.FhirPath, organizations, baseUrl, "Subscription.criteria");
            }
        }

        return matchers;
    }

    private static string FilterName(string name) => name.Split(':')[0];

    private static string Relative(string reference, string baseUrl) =>
        reference.StartsWith(baseUrl + "/", StringComparison.Ordinal) ? reference[(baseUrl.Length + 1)..] : reference;

    private List<SearchCriterion> Criteria(string type, string query, string expression)
    {
        var criteria = new List<SearchCriterion>();
        foreach (var (name, value) in Pairs(query, expression))
        {
            if (ResultParameters.Contains(name.Split(':')[0]))
            {
                throw Invalid($"'{name}' shapes search results and means nothing in a subscription.", expression);
            }

            try
            {
                criteria.Add(parser.ParseCriterion(type, name, value, name));
            }
            catch (UnknownParameterException e)
            {
                throw Invalid(e.Message, expression);
            }
            catch (FhirException e)
            {
                throw Invalid(e.Message, expression);
            }
        }

        return criteria;
    }

    private static ChangeMatcher Matcher(IReadOnlyList<SearchCriterion> criteria, CompiledExpression? fhirPath, IReadOnlyList<string> organizations, string baseUrl, string expression)
    {
        try
        {
            return ChangeMatcher.Compile(criteria, fhirPath, baseUrl, organizations);
        }
        catch (NotSupportedException e)
        {
            throw Invalid(e.Message, expression);
        }
    }

    private static IEnumerable<(string Name, string Value)> Pairs(string query, string expression)
    {
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw Invalid($"'{pair}' is not a name=value pair.", expression);
            }

            yield return (Uri.UnescapeDataString(pair[..equals]), Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' ')));
        }
    }

    private static PayloadContent Content(Subscription.ChannelComponent channel, bool isTopicBased)
    {
        var code = channel.PayloadElement?.GetExtensionValue<Code>(Backport.PayloadContent)?.Value;
        return code switch
        {
            "empty" => PayloadContent.Empty,
            "id-only" => PayloadContent.IdOnly,
            "full-resource" => PayloadContent.FullResource,
            null when isTopicBased => PayloadContent.Empty,

            // R4: with a payload type, the notification carries the resource; without, nothing (subscription.html#2.46.7.1).
            null => channel.Payload is null ? PayloadContent.Empty : PayloadContent.FullResource,
            _ => throw Invalid($"'{code}' is not a payload content; use empty, id-only or full-resource.", "Subscription.channel.payload.extension"),
        };
    }

    private static List<KeyValuePair<string, string>> Headers(IEnumerable<string> headers)
    {
        var list = new List<KeyValuePair<string, string>>();
        var index = 0;
        foreach (var header in headers)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw Invalid($"'{header}' is not an HTTP header of the form 'Name: value'.", $"Subscription.channel.header[{index}]");
            }

            var (name, value) = (header[..colon].Trim(), header[(colon + 1)..].Trim());
            if (!IsSendableHeader(name) || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || value.Any(char.IsControl))
            {
                throw Invalid($"Only Authorization and X- headers without control characters are sent with notifications, not '{name}'.", $"Subscription.channel.header[{index}]");
            }

            list.Add(new(name, value));
            index++;
        }

        return list;
    }

    /// <summary>backport-timeout, at most <see cref="MaxTimeout"/>: one slow endpoint must not hold the dispatcher for long.</summary>
    private static NodaTime.Duration? Timeout(Subscription.ChannelComponent channel)
    {
        var timeout = Seconds(channel, Backport.Timeout);
        return timeout > MaxTimeout
            ? throw Invalid($"backport-timeout may be at most {MaxTimeout.TotalSeconds:0} seconds.", "Subscription.channel.extension")
            : timeout;
    }

    private static NodaTime.Duration? Seconds(Subscription.ChannelComponent channel, string url) =>
        channel.GetExtensionValue<UnsignedInt>(url)?.Value is { } seconds and > 0 ? NodaTime.Duration.FromSeconds(seconds) : null;

    private static FhirException Invalid(string diagnostics, string expression) =>
        FhirException.Of(StatusCodes.Status422UnprocessableEntity, OperationOutcome.IssueType.Invalid, diagnostics, expression);
}
