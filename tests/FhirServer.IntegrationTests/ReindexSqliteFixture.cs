namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// A SQLite server that runs no re-index worker, so that a job waits until a test starts a
/// server that does; it checks the stored parameters on every request.
/// </summary>
public sealed class ReindexSqliteFixture : SqliteFixture
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Reindex:IsWorkerEnabled"] = "false",
        ["StoredSearchParameters:RefreshInterval"] = "00:00:00",
    };
}
