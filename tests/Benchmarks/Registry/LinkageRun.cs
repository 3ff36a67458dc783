namespace FhirMh.Benchmarks.Registry;

/// <summary>One dataset's accuracy run: the report half's linkage figures, its replay and the TPC-B ceiling measured just before it.</summary>
internal sealed record LinkageRun(
    string Dataset,
    int TuningRegistrations,
    LinkageFigures Figures,
    double? BlockingCompleteness,
    ReplayResult Replay,
    double TpcbTps);
