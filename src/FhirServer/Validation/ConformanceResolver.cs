using FhirMh.FhirServer.Validation.Packages;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;

namespace FhirMh.FhirServer.Validation;

/// <summary>
/// The one order in which canonical URLs resolve to conformance resources, for validation and
/// terminology alike: the loaded packages first (so that a package can correct the core), then
/// the R4 specification, then what clients stored through the API.
/// </summary>
/// <remarks>
/// The packages and the specification hand out shared instances: a caller that changes what it
/// got (the SDK's expander writes an expansion into a ValueSet) must change a copy.
/// </remarks>
internal sealed class ConformanceResolver : IAsyncResourceResolver
{
    private readonly ConformancePackages _packages;
    private readonly SpecificationSource _specification;
    private readonly StoredConformanceResolver _stored;
    private readonly Lazy<MultiResolver> _chain;

    public ConformanceResolver(ConformancePackages packages, SpecificationSource specification, StoredConformanceResolver stored)
    {
        _packages = packages;
        _specification = specification;
        _stored = stored;
        _chain = new Lazy<MultiResolver>(() => new MultiResolver(packages.Resolver, specification.Deferred, stored));
    }

    public Task<Resource?> ResolveByUriAsync(string uri) => _chain.Value.ResolveByUriAsync(uri);

    public Task<Resource?> ResolveByCanonicalUriAsync(string uri) => _chain.Value.ResolveByCanonicalUriAsync(uri);

    public Task<ResolverResult> TryResolveByUriAsync(string uri) => _chain.Value.TryResolveByUriAsync(uri);

    public Task<ResolverResult> TryResolveByCanonicalUriAsync(string uri) => _chain.Value.TryResolveByCanonicalUriAsync(uri);

    /// <summary>
    /// The <typeparamref name="T"/> with canonical <paramref name="url"/> (and
    /// <paramref name="version"/> when given), or null. Unlike the resolver methods this asks the
    /// database every time, so a resource stored a moment ago is found at once.
    /// </summary>
    public async Task<T?> FindAsync<T>(string url, string? version, CancellationToken cancellationToken)
        where T : Resource
    {
        var canonical = version is null ? url : $"{url}|{version}";
        if ((await _packages.Resolver.TryResolveByCanonicalUriAsync(canonical)).Value is T packaged)
        {
            return packaged;
        }

        if ((await _specification.Resolver.TryResolveByCanonicalUriAsync(canonical)).Value is T core)
        {
            return core;
        }

        return await _stored.FindAsync(canonical, cancellationToken, ModelInfo.GetFhirTypeNameForType(typeof(T))!) as T;
    }
}
