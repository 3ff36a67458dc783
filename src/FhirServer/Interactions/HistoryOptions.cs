namespace FhirMh.FhirServer.Interactions;

/// <summary>The <c>History</c> configuration section: page sizes for the history interactions.</summary>
internal sealed class HistoryOptions
{
    public const string SectionName = "History";

    public int DefaultCount { get; set; } = 50;

    public int MaxCount { get; set; } = 1000;
}
