namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// An <c>If-Match</c> or <c>If-None-Match</c> value: <c>*</c> or a list of version ETags
/// (RFC 9110 13.1.1, 13.1.2; FHIR versions are weak ETags <c>W/"n"</c>, http.html#versioning).
/// </summary>
internal sealed record ETagCondition(bool IsAny, IReadOnlyList<int> Versions)
{
    /// <summary>Whether the condition names <paramref name="currentVersion"/> (null: no live resource).</summary>
    public bool Matches(int? currentVersion) => currentVersion is { } version && (IsAny || Versions.Contains(version));

    public override string ToString() => IsAny ? "*" : string.Join(", ", Versions.Select(v => $"W/\"{v}\""));
}
