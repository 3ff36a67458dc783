using FhirMh.FhirServer.ClientRegistry;
using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Interactions.Bundles;
using FhirMh.FhirServer.Operations.ReindexStatus;
using FhirMh.FhirServer.ProviderRegistry;
using FhirMh.FhirServer.Questionnaires;
using FhirMh.FhirServer.Operations.Terminology;
using FhirMh.FhirServer.Subscriptions;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search;
using FhirMh.FhirServer.Security;
using FhirMh.FhirServer.Search.Indexing;
using FhirMh.FhirServer.Search.Parsing;
using FhirMh.FhirServer.Search.Sql;
using FhirMh.FhirServer.Search.Parameters;
using FhirMh.FhirServer.Search.Reindexing;
using FhirMh.FhirServer.Search.Stored;
using FhirMh.FhirServer.Seeding;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using FhirMh.FhirServer.Storage.Postgres;
using FhirMh.FhirServer.Storage.Sqlite;
using FhirMh.FhirServer.Validation;
using FhirMh.FhirServer.Validation.Packages;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FhirMh.FhirServer.Hosting;

internal static class FhirServerServices
{
    public static WebApplicationBuilder AddFhirServer(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var services = builder.Services;
        var limits = configuration.GetSection(LimitsOptions.SectionName).Get<LimitsOptions>() ?? new LimitsOptions();
        services.Configure<LimitsOptions>(configuration.GetSection(LimitsOptions.SectionName));
        services.AddOptions<HistoryOptions>()
            .Bind(configuration.GetSection(HistoryOptions.SectionName))
            .Validate(o => o.HorizonLag >= TimeSpan.Zero, "History:HorizonLag cannot be negative: a horizon ahead of the clock would hide versions still being written.")
            .ValidateOnStart();
        services.AddOptions<SearchOptions>().Bind(configuration.GetSection(SearchOptions.SectionName))
            .Validate(o => DateTimeZoneProviders.Tzdb.GetZoneOrNull(o.TimeZone) is not null, "Search:TimeZone must be an IANA time zone, e.g. Europe/Paris.")
            .Validate(o => o.NearDefaultDistance > 0, "Search:NearDefaultDistance must be a number of kilometres greater than zero.")
            .ValidateOnStart();
        services.Configure<StoredParameterOptions>(configuration.GetSection(StoredParameterOptions.SectionName));
        services.Configure<ReindexOptions>(configuration.GetSection(ReindexOptions.SectionName));
        services.Configure<ValidationOptions>(configuration.GetSection(ValidationOptions.SectionName));
        services.Configure<SeedingOptions>(configuration.GetSection(SeedingOptions.SectionName));
        services.AddSingleton(CanonicalBase.From(configuration));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = limits.MaxBodyBytes);

        services.Configure<StorageOptions>(configuration.GetSection(StorageOptions.SectionName));
        AddStorage(services, configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions());
        services.TryAddSingleton<IClock>(SystemClock.Instance);
        services.AddSingleton(sp => new FhirSerializers(sp.GetRequiredService<IOptions<LimitsOptions>>().Value.MaxJsonDepth));
        services.AddSingleton<RequestBodyReader>();
        services.AddSingleton<StoredSearchParameters>();
        services.AddSingleton<Search.Paging.CriterionCounts>();
        services.AddSingleton<SearchParameterRegistry>();
        services.AddScoped<SearchParameterWrites>();
        services.AddScoped<ReindexBatch>();
        services.AddScoped<ReindexStatusOperation>();
        services.AddScoped<Operations.Validate.ValidateOperation>();
        services.AddScoped<Operations.Disclosures.DisclosuresOperation>();
        services.AddScoped<Operations.Extract.ExtractOperation>();
        services.Configure<QuestionnaireOptions>(configuration.GetSection(QuestionnaireOptions.SectionName));
        services.AddScoped<IQuestionnaireTerminology, QuestionnaireTerminology>();
        services.AddScoped<QuestionnaireLookup>();
        services.AddSingleton<ParsedQuestionnaires>();
        services.AddScoped<QuestionnaireResponseCheck>();
        services.AddScoped<QuestionnaireScoring>();
        services.AddSingleton(sp => new InstrumentRules(sp.GetRequiredService<CanonicalBase>().Of("CodeSystem/score-severity")));
        services.AddScoped<ScoreObservations>();
        services.AddScoped<SelfHarmAlert>();
        services.AddScoped<ResponseWrites>();
        services.AddScoped<WritePipeline>();
        services.AddScoped<Referrals.TaskParties>();
        services.AddScoped<Referrals.ServiceRequestStatus>();
        services.AddScoped<Referrals.ReferralWorkflow>();
        services.Configure<ClientRegistryOptions>(configuration.GetSection(ClientRegistryOptions.SectionName));
        services.AddSingleton<RegistryTags>();
        services.AddSingleton<MatchFrequencies>();
        services.AddSingleton<PreparedSources>();
        services.AddSingleton<PatientMatchRules>();
        services.AddSingleton<GoldenRecordComposer>();
        services.AddScoped<RegistryRecords>();
        services.AddScoped<GoldenCandidates>();
        services.AddScoped<GoldenRecords>();
        services.AddScoped<PatientRegistration>();
        services.Configure<ProviderRegistryOptions>(configuration.GetSection(ProviderRegistryOptions.SectionName));
        services.AddSingleton<DirectoryRuleSets>();
        services.AddScoped<DuplicateDetection>();
        services.AddScoped<DirectoryCuration>();
        services.AddScoped<MatchEntries>();
        services.AddScoped<SourceReview>();
        services.AddScoped<Operations.Match.MatchOperation>();
        services.AddScoped<Operations.IhePix.IhePixOperation>();
        services.AddScoped<Operations.EstimateWeights.EstimateWeightsOperation>();
        services.AddScoped<Operations.RegistryReview.PotentialMatchesOperation>();
        services.AddScoped<Operations.PotentialDuplicates.PotentialDuplicatesOperation>();
        services.AddScoped<Operations.RegistryReview.LinkGoldenRecordOperation>();
        services.AddScoped<Operations.RegistryReview.CannotLinkOperation>();
        services.AddScoped<TerminologyTargets>();
        services.AddScoped<ExpandOperation>();
        services.AddScoped<ValueSetValidateCodeOperation>();
        services.AddScoped<LookupOperation>();
        services.AddScoped<SubsumesOperation>();
        services.AddScoped<CodeSystemValidateCodeOperation>();

        // Reading the specification archive is the longest part of start-up: it starts now, while
        // the host is built and the database migrates.
        var specification = new SpecificationSource();
        _ = specification.PrepareAsync();
        services.AddSingleton(specification);
        services.AddSingleton<FhirPackageReader>();
        services.AddSingleton<SnapshotCache>();
        services.AddSingleton<ConformancePackages>();
        services.AddSingleton<StoredConformanceResolver>();
        services.AddSingleton<ConformanceResolver>();
        services.AddSingleton<SeedFolder>();
        services.AddSingleton<TerminologyServices>();
        services.AddSingleton<ProfileValidator>();
        services.AddSingleton<WriteValidation>();
        services.AddSingleton<SearchIndexer>();
        services.AddSingleton<VersionRows>();
        services.AddSingleton<Search.Indexing.IndexRowWriter>();
        services.AddSingleton<WriteLock>();
        services.AddScoped<PendingVersions>();
        services.AddScoped<ResourceStore>();
        services.AddScoped<HistoryReader>();
        services.AddScoped<ReadInteraction>();
        services.AddScoped<VReadInteraction>();
        services.AddScoped<CreateInteraction>();
        services.AddScoped<UpdateInteraction>();
        services.AddScoped<PatchInteraction>();
        services.AddScoped<DeleteInteraction>();
        services.AddScoped<HistoryInteraction>();
        services.AddScoped<SearchInteraction>();
        services.AddScoped<Operations.Everything.EverythingOperation>();
        services.AddScoped<ConditionalMatches>();
        services.AddScoped<SearchQueryBuilder>();
        services.AddScoped<TokenSets>();
        services.AddSingleton<SearchParser>();
        services.AddSingleton<CompartmentDefinitions>();
        services.AddScoped<CapabilitiesInteraction>();
        services.AddScoped<BundleInteraction>();
        services.AddScoped<TransactionInteraction>();
        services.AddScoped<ConditionalEntries>();
        services.AddScoped<BatchInteraction>();
        services.AddScoped<ReferenceResolver>();
        services.AddSingleton<EntryResponses>();

        // Until search exists every conditional reference is refused; search replaces this registration.
        services.AddScoped<IConditionalReferenceResolver, SearchConditionalReferenceResolver>();
        services.AddScoped<FhirDispatcher>();
        AddSecurity(services, configuration);
        AddSubscriptions(services, configuration);
        services.AddHostedService<DatabaseMigrator>();
        services.AddHostedService<ConformanceStartup>();
        services.AddHostedService<SeedStartup>();
        services.AddHostedService<SearchWarmUp>();

        // After the migrator: hosted services start in order, and jobs live in migrated tables.
        services.AddHostedService<ReindexWorker>();
        services.AddHostedService<ConsentIndexStartup>();
        services.AddHostedService<SubscriptionDispatcher>();
        services.AddExceptionHandler<FhirExceptionHandler>();
        services.AddProblemDetails();
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen();
        return builder;
    }

    private static void AddSecurity(IServiceCollection services, ConfigurationManager configuration)
    {
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection(SecurityOptions.SectionName))
            .Validate(o => o.Issuers.All(i => i.Issuer.Length > 0 && (i.Jwks is not null || i.JwksUrl is not null)), "Each Security:Issuers entry needs an Issuer and its keys (Jwks or JwksUrl).")
            .Validate(o => o.TokenEndpoint.Clients.All(c => c.ClientId.Length > 0 && (c.Jwks is not null || c.JwksUrl is not null)), "Each Security:TokenEndpoint:Clients entry needs a ClientId and its public keys (Jwks or JwksUrl).")
            .ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<SecurityOptions>, DemoClient>();
        services.AddOptions<ConsentOptions>().Bind(configuration.GetSection(ConsentOptions.SectionName))
            .Validate(o => o.BreakTheGlassDuration > TimeSpan.Zero, "Consent:BreakTheGlassDuration must be longer than zero.")
            .ValidateOnStart();
        services.AddHttpClient(nameof(IssuerKeys));
        services.AddSingleton<IssuerKeys>();
        services.AddSingleton<ServerSigningKeys>();
        services.AddSingleton<AccessTokenValidator>();
        services.AddScoped<TokenEndpoint>();
        services.AddScoped<CallerContext>();
        services.AddScoped<AccessRules>();
        services.AddScoped<AccessChecks>();
        services.AddScoped<InteractionAccess>();
        services.AddScoped<ConsentIndex>();
        services.AddScoped<ConsentContext>();
        services.AddSingleton<ConsentActors>();
        services.AddScoped<CallerActors>();
        services.AddScoped<OperationResults>();
        services.Configure<AuditOptions>(configuration.GetSection(AuditOptions.SectionName));
        services.AddSingleton<AuditQueue>();
        services.AddSingleton<AuditPatients>();
        services.AddScoped<AuditTrail>();
        services.AddHostedService<AuditWriter>();
        services.AddHostedService<SecurityStartup>();
    }

    private static void AddSubscriptions(IServiceCollection services, ConfigurationManager configuration)
    {
        services.AddOptions<SubscriptionOptions>().Bind(configuration.GetSection(SubscriptionOptions.SectionName))
            .Validate(o => o.MaxAttempts > 0 && o.RetryDelay > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero, "Subscriptions:MaxAttempts, RetryDelay and PollInterval must be above zero.")
            .ValidateOnStart();

        // A notification endpoint must not send the server on elsewhere (server-side request forgery).
        services.AddHttpClient(SubscriptionDelivery.ClientName).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        services.AddSingleton<SubscriptionTopics>();
        services.AddSingleton<EndpointAllowList>();
        services.AddSingleton<SubscriptionReader>();
        services.AddSingleton<SubscriptionCatalog>();
        services.AddSingleton<SubscriptionDelivery>();
        services.AddSingleton<NotificationSender>();
        services.AddScoped<SubscriptionWrites>();
        services.AddScoped<SubscriptionEvents>();
        services.AddScoped<SubscriptionNotifier>();
        services.AddScoped<Operations.SubscriptionStatus.SubscriptionStatusOperation>();
        services.AddScoped<Operations.SubscriptionEvents.SubscriptionEventsOperation>();
    }

    private static void AddStorage(IServiceCollection services, StorageOptions storage)
    {
        switch (storage.Provider)
        {
            case StorageProvider.Sqlite:
                var sqlite = storage.ConnectionString ?? DefaultSqliteConnectionString();
                EnsureSqliteFolder(sqlite);
                services.AddDbContextPool<FhirDbContext, SqliteFhirDbContext>(o => QueryPlans.AllowFences(o.UseSqlite(sqlite)));
                services.AddSingleton(_ => new WriteGate(maxConcurrentWrites: 1));
                break;
            case StorageProvider.Postgres:
                var postgres = PostgresConnectionString.WithoutJitOrParallelWorkers(PostgresConnectionString.WithoutResetOnClose(PostgresConnectionString.WithAutoPrepare(storage.ConnectionString ?? throw new InvalidOperationException(
                    "Storage:ConnectionString is required when Storage:Provider is Postgres."))));
                services.AddDbContextPool<FhirDbContext, PostgresFhirDbContext>(o => QueryPlans.AllowFences(o.UseNpgsql(postgres, npgsql => npgsql.UseNodaTime())).AddInterceptors(PlanCacheModeInterceptor.Instance));
                services.AddSingleton(_ => new WriteGate(maxConcurrentWrites: null));
                services.AddHostedService<StatisticsKeeper>();
                break;
            default:
                throw new InvalidOperationException($"Storage:Provider '{storage.Provider}' is not Sqlite or Postgres.");
        }
    }

    private static string DefaultSqliteConnectionString() =>
        new SqliteConnectionStringBuilder { DataSource = Path.Combine(Directory.GetCurrentDirectory(), "data", "fhirmh.db") }.ToString();

    private static void EnsureSqliteFolder(string connectionString)
    {
        var folder = Path.GetDirectoryName(new SqliteConnectionStringBuilder(connectionString).DataSource);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }
}
