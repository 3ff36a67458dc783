namespace FhirMh.FhirServer.Storage;

/// <summary>The <c>Storage</c> configuration section (<c>Storage__Provider</c>, <c>Storage__ConnectionString</c>).</summary>
internal sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>
    /// For SQLite defaults to a file <c>data/fhirmh.db</c> under the working directory;
    /// required for PostgreSQL.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// PostgreSQL only: how often the server looks for resource and index tables that changed
    /// enough to be analyzed again (Postgres.StatisticsKeeper); zero or less turns it off.
    /// </summary>
    public TimeSpan StatisticsInterval { get; set; } = TimeSpan.FromSeconds(2);
}
