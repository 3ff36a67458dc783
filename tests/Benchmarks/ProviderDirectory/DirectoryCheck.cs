namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>
/// What a query answered, one request at a time, before any load: whether it may be measured, a
/// status line, the mean matches on the first page and the mean total the server and the generated
/// directory give, and whether they agree.
/// </summary>
internal sealed record DirectoryCheck(bool IsMeasured, string Status, double MatchesPerPage, double ServerTotal, double ExpectedTotal, string Agreement);
