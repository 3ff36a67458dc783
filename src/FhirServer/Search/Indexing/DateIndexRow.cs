namespace FhirMh.FhirServer.Search.Indexing;

/// <summary>
/// A date parameter value as the range it stands for (search.html#date): <c>2020-03</c> is
/// [2020-03-01, 2020-04-01). <see cref="End"/> is exclusive.
/// </summary>
internal sealed class DateIndexRow : IndexRow
{
    public Instant Start { get; set; }

    public Instant End { get; set; }
}
