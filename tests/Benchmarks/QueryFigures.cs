namespace FhirMh.Benchmarks;

/// <summary>One query at one size: its check, the file of request paths wrk draws from, and each round's run with that round's ceiling.</summary>
internal sealed record QueryFigures(SearchQuery Query, QueryCheck Check, string PathsFile, List<(WrkResult Result, double Ceiling)> Runs);
