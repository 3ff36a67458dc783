namespace FhirMh.FhirServer.Hosting;

/// <summary>The <c>Limits</c> configuration section: what a request may weigh.</summary>
internal sealed class LimitsOptions
{
    public const string SectionName = "Limits";

    public long MaxBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Deepest JSON nesting accepted; FHIR resources rarely pass 20, attacks go far deeper.</summary>
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>
    /// Most entries a batch or transaction Bundle may have: a transaction holds its database
    /// transaction (and on SQLite the only writer's turn) for all of them, so its size is bounded
    /// by entries as well as by bytes.
    /// </summary>
    public int MaxBundleEntries { get; set; } = 1000;
}
