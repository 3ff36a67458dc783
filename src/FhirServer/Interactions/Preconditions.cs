namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// The conditional headers of http.html#concurrency and http.html#cread, already parsed.
/// </summary>
internal sealed record Preconditions(ETagCondition? IfMatch, ETagCondition? IfNoneMatch, Instant? IfModifiedSince)
{
    public static readonly Preconditions None = new(null, null, null);

    /// <summary>True when a write must not simply retry after losing a race: the client stated what it expects.</summary>
    public bool IsConditionalWrite => IfMatch is not null || IfNoneMatch is not null;
}
