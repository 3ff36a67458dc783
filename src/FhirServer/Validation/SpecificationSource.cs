using Hl7.Fhir.Specification.Source;

namespace FhirMh.FhirServer.Validation;

/// <summary>
/// The R4 specification the SDK ships (Hl7.Fhir.Specification.Data.R4), read once for the
/// process: opening the archive and indexing it takes about 2 s, so every user (validation,
/// snapshots, terminology, compartment definitions) shares this one cached resolver.
/// </summary>
internal sealed class SpecificationSource
{
    private readonly Lazy<CachedResolver> _resolver = new(Open);

    public CachedResolver Resolver => _resolver.Value;

    /// <summary>Opens and indexes the archive on a pool thread, so that start-up can do other work meanwhile.</summary>
    public Task PrepareAsync() => Task.Run(() => _resolver.Value);

    private static CachedResolver Open()
    {
        var source = ZipSource.CreateValidationSource();

        // The index is built on first use; building it here keeps that cost off the first request.
        source.Prepare();
        _ = source.ListSummaries().Count();
        return new CachedResolver(source);
    }
}
