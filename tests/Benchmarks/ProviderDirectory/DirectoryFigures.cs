namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>One search: its check, the file of request paths wrk draws from, and each round's run with that round's pgbench -S.</summary>
internal sealed record DirectoryFigures(DirectoryQuery Query, DirectoryCheck Check, string PathsFile, List<(WrkResult Result, double Ceiling)> Runs);
