using System.Collections.Frozen;
using FhirMh.FhirServer.Hosting;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Snapshot;
using Hl7.Fhir.Specification.Source;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Validation.Packages;

/// <summary>
/// The conformance resources of the loaded packages: the project's profiles/ and every package
/// in <c>Validation:Packages</c>, read once at start-up with snapshots generated for profiles that
/// only have a differential. They resolve before the core specification, and are stored in the
/// database by <see cref="Validation.ConformanceStartup"/> so that they can be read and searched.
/// </summary>
internal sealed partial class ConformancePackages(
    FhirPackageReader reader,
    SnapshotCache snapshots,
    SpecificationSource specification,
    CanonicalBase canonicalBase,
    IOptions<ValidationOptions> options,
    IHostEnvironment environment,
    ILogger<ConformancePackages> logger)
{
    private readonly InMemoryResourceResolver _resolver = new();
    private volatile IReadOnlyList<FhirPackage>? _packages;
    private FrozenSet<string> _profiles = FrozenSet<string>.Empty;

    /// <summary>The loaded packages, in resolution order (the project's own first).</summary>
    public IReadOnlyList<FhirPackage> Packages => _packages ?? throw new InvalidOperationException("The packages have not been loaded yet.");

    /// <summary>Resolves the canonical URLs of the loaded packages' resources.</summary>
    public IAsyncResourceResolver Resolver => _resolver;

    /// <summary>The canonical URLs of the profiles (constraints on a resource type) the packages define.</summary>
    public IReadOnlySet<string> Profiles => _profiles;

    /// <summary>Profiles the packages define on <paramref name="resourceType"/>, for the CapabilityStatement.</summary>
    public IEnumerable<StructureDefinition> ProfilesOf(string resourceType) =>
        Packages.SelectMany(p => p.Resources).OfType<StructureDefinition>()
            .Where(sd => sd.Type == resourceType && sd.Derivation == StructureDefinition.TypeDerivationRule.Constraint && sd.Kind == StructureDefinition.StructureDefinitionKind.Resource);

    /// <exception cref="PackageException">A package cannot be read, or a profile's snapshot cannot be generated.</exception>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var packages = new List<FhirPackage> { reader.ReadFolder(Locate(options.Value.Profiles), canonicalBase.Value) };
        if (options.Value.Packages is { Length: > 0 } folder)
        {
            var path = Locate(folder);
            if (!Directory.Exists(path))
            {
                throw new PackageException($"Validation:Packages '{folder}' is not a folder.");
            }

            packages.AddRange(Directory.EnumerateFiles(path, "*.tgz").Order(StringComparer.Ordinal).Select(reader.ReadTarball));
            packages.AddRange(Directory.EnumerateDirectories(path).Order(StringComparer.Ordinal).Select(d => reader.ReadFolder(d)));
        }

        _resolver.Reload(packages.SelectMany(p => p.Resources));
        var key = snapshots.KeyOf(packages);
        SnapshotGenerator? generator = null;
        foreach (var package in packages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var profile in package.Resources.OfType<StructureDefinition>().Where(sd => !sd.HasSnapshot && sd.Differential is not null))
            {
                if (snapshots.TryRestore(key, profile))
                {
                    continue;
                }

                if (generator is null)
                {
                    await specification.PrepareDefinitionsAsync();
                    generator = new SnapshotGenerator(new MultiResolver(_resolver, specification.Definitions), SnapshotGeneratorSettings.CreateDefault());
                }

                await generator.UpdateAsync(profile);
                var errors = generator.Outcome?.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal).ToList() ?? [];
                if (errors.Count > 0)
                {
                    throw new PackageException(
                        $"{package.Id}: the snapshot of {profile.Url} cannot be generated: {string.Join("; ", errors.Select(e => e.Details?.Text ?? e.Diagnostics))}");
                }

                snapshots.Store(key, profile);
            }

            LogLoaded(logger, package.Id, package.Resources.Count, package.Source);
        }

        _profiles = packages.SelectMany(p => p.Resources).OfType<StructureDefinition>()
            .Where(sd => sd.Url is not null && sd.Derivation == StructureDefinition.TypeDerivationRule.Constraint)
            .Select(sd => sd.Url!)
            .ToFrozenSet(StringComparer.Ordinal);
        _packages = packages;
    }

    private string Locate(string path) => ServerFolder.Locate(path, environment);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded FHIR package {Package}: {Count} conformance resources from {Source}")]
    private static partial void LogLoaded(ILogger logger, string package, int count, string source);
}
