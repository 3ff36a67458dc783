using FhirMh.FhirServer.Operations;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Validation;
using FhirMh.FhirServer.Validation.Packages;
using FhirMh.FhirServer.Search.Parameters;
using Hl7.Fhir.Model;
using NodaTime;

namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// capabilities (http.html#capabilities): a CapabilityStatement generated from
/// <see cref="FhirRoutes"/>, listing exactly the interactions that are mapped.
/// </summary>
internal sealed class CapabilitiesInteraction(
    IClock clock,
    SearchParameterRegistry parameters,
    CanonicalBase canonicalBase,
    ConformancePackages packages,
    WriteValidation validation,
    Microsoft.Extensions.Options.IOptions<Security.SecurityOptions> security,
    Subscriptions.SubscriptionTopics topics)
{
    public Task<FhirResponse> HandleAsync(FhirRequest request)
    {
        var implemented = FhirRoutes.All.Select(r => r.Interaction).ToHashSet();
        var typeInteractions = implemented
            .Select(TypeInteractionCode)
            .OfType<CapabilityStatement.TypeRestfulInteraction>()
            .Order()
            .Select(code => new CapabilityStatement.ResourceInteractionComponent { Code = code })
            .ToList();
        var hasConditionalRead = implemented.Contains(FhirInteraction.Read);

        var rest = new CapabilityStatement.RestComponent
        {
            Mode = CapabilityStatement.RestfulCapabilityMode.Server,
            Resource = ModelInfo.SupportedResources.Order(StringComparer.Ordinal).Select(type => new CapabilityStatement.ResourceComponent
            {
                Type = type,
                Interaction = typeInteractions.Select(i => new CapabilityStatement.ResourceInteractionComponent { Code = i.Code }).ToList(),
                Versioning = CapabilityStatement.ResourceVersionPolicy.VersionedUpdate,
                ReadHistory = implemented.Contains(FhirInteraction.VRead),
                UpdateCreate = implemented.Contains(FhirInteraction.Update),
                ConditionalCreate = implemented.Contains(FhirInteraction.SearchType),
                ConditionalRead = hasConditionalRead
                    ? CapabilityStatement.ConditionalReadStatus.FullSupport
                    : CapabilityStatement.ConditionalReadStatus.NotSupported,
                ConditionalUpdate = implemented.Contains(FhirInteraction.SearchType),
                ConditionalDelete = implemented.Contains(FhirInteraction.SearchType)
                    ? CapabilityStatement.ConditionalDeleteStatus.Single
                    : CapabilityStatement.ConditionalDeleteStatus.NotSupported,
                SearchParam = implemented.Contains(FhirInteraction.SearchType) ? SearchParams(type) : [],
                Profile = validation.RequiredProfiles(type).FirstOrDefault(),
                SupportedProfile = packages.ProfilesOf(type).Select(sd => sd.Url).ToList(),
                Operation = Operations(type, implemented),
            }).ToList(),
            Interaction = implemented
                .SelectMany(SystemInteractionCodes)
                .Order()
                .Select(code => new CapabilityStatement.SystemInteractionComponent { Code = code })
                .ToList(),
        };

        rest.Security = Security(request.BaseUrl);

        // The topics a backport Subscription may name in its criteria (backport IG, "Topics").
        var subscription = rest.Resource.First(r => r.Type == "Subscription");
        subscription.Extension.AddRange(topics.All.Select(t => new Extension(Subscriptions.Backport.TopicCanonical, new Canonical(t.Url))));
        var statement = new CapabilityStatement
        {
            Status = PublicationStatus.Active,
            Date = clock.GetCurrentInstant().ToDateTimeOffset().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Kind = CapabilityStatementKind.Instance,
            Software = new CapabilityStatement.SoftwareComponent { Name = "FhirMh", Version = typeof(CapabilitiesInteraction).Assembly.GetName().Version?.ToString() },
            Implementation = new CapabilityStatement.ImplementationComponent { Description = "FhirMh FHIR R4 server", Url = request.BaseUrl },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["json", "xml", "application/fhir+json", "application/fhir+xml"],
            PatchFormat = implemented.Contains(FhirInteraction.Patch) ? [MediaTypes.JsonPatch, MediaTypes.FhirJson, MediaTypes.FhirXml] : [],
            Rest = [rest],
        };
        return Task.FromResult(FhirResponse.Of(StatusCodes.Status200OK, statement));
    }

    /// <summary>The operations defined on the type, from the table the dispatcher routes by.</summary>
    private List<CapabilityStatement.OperationComponent> Operations(string type, HashSet<FhirInteraction> implemented)
    {
        var operations = FhirOperations.All
            .Where(o => o.AppliesTo(type))
            .Select(o => new CapabilityStatement.OperationComponent { Name = o.Name, Definition = Canonical(o.Definition) })
            .ToList();
        if (type == "Patient" && implemented.Contains(FhirInteraction.PatientEverything))
        {
            operations.Add(new CapabilityStatement.OperationComponent { Name = "everything", Definition = "http://hl7.org/fhir/OperationDefinition/Patient-everything" });
        }

        return operations;
    }

    private string Canonical(string definition) =>
        Uri.IsWellFormedUriString(definition, UriKind.Absolute) ? definition : $"{canonicalBase.Value}/{definition}";

    /// <summary>The parameters indexed for the type, so a client knows what it can search on.</summary>
    private List<CapabilityStatement.SearchParamComponent> SearchParams(string type) =>
        parameters.For(type).Values
            .Where(p => p.IsIndexed)
            .OrderBy(p => p.Code, StringComparer.Ordinal)
            .Select(p => new CapabilityStatement.SearchParamComponent { Name = p.Code, Definition = p.Url, Type = p.Type })
            .ToList();

    /// <summary>SMART on FHIR, with the token endpoint in the oauth-uris extension SMART clients look for (SMART App Launch 2, conformance.html).</summary>
    private CapabilityStatement.SecurityComponent? Security(string baseUrl)
    {
        var options = security.Value;
        if (!options.Enabled)
        {
            return null;
        }

        var component = new CapabilityStatement.SecurityComponent
        {
            Service = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR")],
            Description = "SMART App Launch 2 scopes (v1 and v2) in bearer tokens; see .well-known/smart-configuration.",
        };
        var tokenUrl = options.TokenEndpoint.Enabled ? FhirMh.FhirServer.Security.BuiltInIssuer.TokenUrl(baseUrl) : options.TokenEndpoint.ExternalUrl;
        if (tokenUrl is not null)
        {
            var oauth = new Extension { Url = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris" };
            oauth.Extension.Add(new Extension("token", new FhirUri(tokenUrl)));
            component.Extension.Add(oauth);
        }

        return component;
    }

    private static IEnumerable<CapabilityStatement.SystemRestfulInteraction> SystemInteractionCodes(FhirInteraction interaction) => interaction switch
    {
        FhirInteraction.HistorySystem => [CapabilityStatement.SystemRestfulInteraction.HistorySystem],
        FhirInteraction.SearchSystem => [CapabilityStatement.SystemRestfulInteraction.SearchSystem],
        FhirInteraction.BatchOrTransaction =>
            [CapabilityStatement.SystemRestfulInteraction.Transaction, CapabilityStatement.SystemRestfulInteraction.Batch],
        _ => [],
    };

    private static CapabilityStatement.TypeRestfulInteraction? TypeInteractionCode(FhirInteraction interaction) => interaction switch
    {
        FhirInteraction.Read => CapabilityStatement.TypeRestfulInteraction.Read,
        FhirInteraction.VRead => CapabilityStatement.TypeRestfulInteraction.Vread,
        FhirInteraction.Update => CapabilityStatement.TypeRestfulInteraction.Update,
        FhirInteraction.Patch => CapabilityStatement.TypeRestfulInteraction.Patch,
        FhirInteraction.Delete => CapabilityStatement.TypeRestfulInteraction.Delete,
        FhirInteraction.HistoryInstance => CapabilityStatement.TypeRestfulInteraction.HistoryInstance,
        FhirInteraction.HistoryType => CapabilityStatement.TypeRestfulInteraction.HistoryType,
        FhirInteraction.Create => CapabilityStatement.TypeRestfulInteraction.Create,
        FhirInteraction.SearchType => CapabilityStatement.TypeRestfulInteraction.SearchType,
        _ => null,
    };
}
