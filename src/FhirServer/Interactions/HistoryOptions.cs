namespace FhirMh.FhirServer.Interactions;

/// <summary>The <c>History</c> configuration section: page sizes and the horizon of the history interactions.</summary>
internal sealed class HistoryOptions
{
    public const string SectionName = "History";

    public int DefaultCount { get; set; } = 50;

    public int MaxCount { get; set; } = 1000;

    /// <summary>
    /// How far a history response's horizon (its <c>Bundle.meta.lastUpdated</c>) stays behind this
    /// process's clock. Several processes on one PostgreSQL stamp versions with their own clocks: a
    /// lag at least as large as the clocks can differ keeps a version stamped by a slow clock from
    /// landing below a horizon already handed out. Zero trusts the clocks to agree.
    /// </summary>
    public TimeSpan HorizonLag { get; set; } = TimeSpan.Zero;
}
