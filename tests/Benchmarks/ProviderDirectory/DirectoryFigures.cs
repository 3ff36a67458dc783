namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>
/// One search: its check, the file of request paths wrk draws from, each round's run with that
/// round's pgbench -S, and (searches with a target) a run with one connection, without queueing.
/// </summary>
internal sealed record DirectoryFigures(DirectoryQuery Query, DirectoryCheck Check, string PathsFile, List<(WrkResult Result, double Ceiling)> Runs)
{
    public WrkResult? Alone { get; set; }
}
