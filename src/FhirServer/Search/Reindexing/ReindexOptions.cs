namespace FhirMh.FhirServer.Search.Reindexing;

/// <summary>The <c>Reindex</c> configuration section: how re-indexing jobs run in this process.</summary>
internal sealed class ReindexOptions
{
    public const string SectionName = "Reindex";

    /// <summary>False keeps this process from working on jobs (others sharing the database still do).</summary>
    public bool IsWorkerEnabled { get; set; } = true;

    /// <summary>
    /// Resources per batch. One batch is one short transaction (on SQLite one turn of the only
    /// writer), so requests wait at most for one batch.
    /// </summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>A pause before each batch, to leave room to other work (and to tests that watch a job run).</summary>
    public TimeSpan BatchDelay { get; set; } = TimeSpan.Zero;

    /// <summary>How often an idle worker looks for a job.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a claim lasts without renewal; each batch renews it. A process that dies keeps
    /// its job for at most this long before another process takes it over at the cursor.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);
}
