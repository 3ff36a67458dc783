using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;

namespace FhirMh.FhirServer.Validation;

/// <summary>
/// The R4 specification the SDK ships (Hl7.Fhir.Specification.Data.R4), read once for the
/// process: indexing the whole archive takes about 2.5 s, so every user (validation, snapshots,
/// terminology, compartment definitions) shares one cached resolver. Snapshot generation at
/// start-up only needs the type and resource definitions, which a second, smaller index of two
/// of the archive's files provides in about half the time.
/// </summary>
internal sealed class SpecificationSource
{
    /// <summary>The files of the archive that hold the StructureDefinitions of the data types and resources.</summary>
    private static readonly string[] DefinitionFiles = ["profiles-types.xml", "profiles-resources.xml"];

    private readonly Lazy<ZipSource> _archive = new(() =>
    {
        var archive = ZipSource.CreateValidationSource();
        archive.Prepare(); // extracts the archive once per machine, into the SDK's cache folder
        return archive;
    });

    private readonly Lazy<CachedResolver> _resolver;
    private readonly Lazy<MultiResolver> _definitions;
    private DeferredResolver? _deferred;

    public SpecificationSource()
    {
        _resolver = new(() => Indexed(_archive.Value));
        _definitions = new(() => new MultiResolver(
            Indexed(new DirectorySource(_archive.Value.ExtractPath!, new DirectorySourceSettings { Masks = DefinitionFiles })),
            Resolver));
    }

    /// <summary>Everything in the specification.</summary>
    public CachedResolver Resolver => _resolver.Value;

    /// <summary>
    /// <see cref="Resolver"/>, opened at the first lookup that reaches it rather than when a
    /// resolver chain is built: a chain whose earlier sources answer does not wait for the index.
    /// </summary>
    public IAsyncResourceResolver Deferred => _deferred ??= new DeferredResolver(this);

    /// <summary>The core StructureDefinitions first, from the smaller index; anything else from <see cref="Resolver"/>.</summary>
    public MultiResolver Definitions => _definitions.Value;

    /// <summary>Starts indexing the whole archive on a pool thread, so that start-up does other work meanwhile.</summary>
    public Task PrepareAsync() => Task.Run(() => _resolver.Value);

    /// <summary>Indexes the core definitions on a pool thread; completes when <see cref="Definitions"/> is ready.</summary>
    public Task PrepareDefinitionsAsync() => Task.Run(() => _definitions.Value);

    /// <summary>Builds the index now rather than on the first request that needs it.</summary>
    private static CachedResolver Indexed(ISummarySource source)
    {
        _ = source.ListSummaries().Count();
        return new CachedResolver((IAsyncResourceResolver)source);
    }

    private sealed class DeferredResolver(SpecificationSource specification) : IAsyncResourceResolver
    {
        public Task<Resource?> ResolveByUriAsync(string uri) => specification.Resolver.ResolveByUriAsync(uri);

        public Task<Resource?> ResolveByCanonicalUriAsync(string uri) => specification.Resolver.ResolveByCanonicalUriAsync(uri);

        public Task<ResolverResult> TryResolveByUriAsync(string uri) => specification.Resolver.TryResolveByUriAsync(uri);

        public Task<ResolverResult> TryResolveByCanonicalUriAsync(string uri) => specification.Resolver.TryResolveByCanonicalUriAsync(uri);
    }
}
