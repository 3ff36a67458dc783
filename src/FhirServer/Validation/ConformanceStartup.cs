using FhirMh.FhirServer.Seeding;
using FhirMh.FhirServer.Validation.Packages;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Validation;

/// <summary>
/// At start-up: loads the FHIR packages while the migrations run (the server does not start with
/// a broken package); after the migrations, stores their conformance resources so that they can
/// be read and searched like any other; and then, in the background, compiles the definitions
/// writes use most, so that the first write of a type does not pay for it (about 3 s for the core
/// definitions).
/// </summary>
internal sealed partial class ConformanceStartup(
    ConformancePackages packages,
    ProfileValidator validator,
    WriteValidation writes,
    IServiceProvider services,
    IOptions<ValidationOptions> options,
    ILogger<ConformanceStartup> logger) : IHostedLifecycleService
{
    /// <summary>Code systems before the value sets drawing on them, value sets before the profiles binding to them.</summary>
    private static readonly string[] SeedOrder = ["CodeSystem", "ValueSet", "StructureDefinition", "SearchParameter"];

    private static readonly string[] WarmTypes = ["Patient", "Observation", "QuestionnaireResponse", "Consent", "ServiceRequest", "Task", "Practitioner", "Organization"];

    private Task? _loading;

    /// <summary>Runs before any hosted service starts, so the packages load while the database migrates.</summary>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _loading = System.Threading.Tasks.Task.Run(() => packages.LoadAsync(cancellationToken), cancellationToken);
        return System.Threading.Tasks.Task.CompletedTask;
    }

    /// <summary>Runs after <see cref="Hosting.DatabaseMigrator"/>: hosted services start in the order they are registered.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await (_loading ?? packages.LoadAsync(cancellationToken));
        CheckConfiguredProfiles();
        await SeedAsync(cancellationToken);
    }

    /// <summary>Once the server listens: compiles the definitions writes use most, off the request path.</summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        WarmedUp = System.Threading.Tasks.Task.Run(WarmUp, CancellationToken.None);
        return System.Threading.Tasks.Task.CompletedTask;
    }

    /// <summary>Completes when the background compilation of the definitions has finished.</summary>
    public Task WarmedUp { get; private set; } = System.Threading.Tasks.Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => System.Threading.Tasks.Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => System.Threading.Tasks.Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => System.Threading.Tasks.Task.CompletedTask;

    /// <summary>A profile every resource of a type must meet has to be loaded: a typo would otherwise refuse every write of the type.</summary>
    private void CheckConfiguredProfiles()
    {
        foreach (var type in options.Value.ProfilesByType.Keys)
        {
            foreach (var profile in writes.ConfiguredProfiles(type).Where(p => !validator.Knows(p)))
            {
                throw new PackageException($"Validation:ProfilesByType:{type} names '{profile}', which no loaded package defines.");
            }
        }
    }

    /// <summary>Stores each package resource that is not stored as it is; a second start changes nothing.</summary>
    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        await using var writer = await SeedWriter.OpenAsync(services, cancellationToken);
        var written = 0;
        var resources = packages.Packages.SelectMany(p => p.Resources)
            .OrderBy(r => Array.IndexOf(SeedOrder, r.TypeName) is var i && i < 0 ? SeedOrder.Length : i);
        var seenIds = new HashSet<(string, string)>();
        foreach (var resource in resources)
        {
            var id = resource.Id is { Length: > 0 } given ? given : IdFromUrl(resource);
            if (id is null || !seenIds.Add((resource.TypeName, id)))
            {
                continue; // an earlier package already supplied this id
            }

            if (await writer.StoreAtIdAsync(resource, id, cancellationToken))
            {
                written++;
            }
        }

        LogSeeded(logger, written);
    }

    private static string? IdFromUrl(Resource resource) =>
        resource is IConformanceResource { Url: { } url } ? url[(url.LastIndexOf('/') + 1)..] : null;

    private void WarmUp()
    {
        try
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            foreach (var type in WarmTypes)
            {
                var resource = (Resource)Activator.CreateInstance(ModelInfo.GetTypeForFhirType(type)!)!;
                validator.Validate(resource, []);
            }

            foreach (var profile in packages.Profiles)
            {
                var type = packages.Packages.SelectMany(p => p.Resources).OfType<StructureDefinition>().First(sd => sd.Url == profile).Type;
                if (type is not null && ModelInfo.GetTypeForFhirType(type) is { } clrType && typeof(Resource).IsAssignableFrom(clrType))
                {
                    validator.Validate((Resource)Activator.CreateInstance(clrType)!, [profile]);
                }
            }

            LogWarm(logger, started.ElapsedMilliseconds);
        }
        catch (Exception e)
        {
            LogWarmFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored {Count} new or changed conformance resources from the packages")]
    private static partial void LogSeeded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Validation definitions compiled in {Milliseconds} ms")]
    private static partial void LogWarm(ILogger logger, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Compiling the validation definitions failed; they will be compiled on first use")]
    private static partial void LogWarmFailed(ILogger logger, Exception exception);
}
