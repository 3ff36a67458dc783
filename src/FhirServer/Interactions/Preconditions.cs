using NodaTime;

namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// The conditional headers of http.html#concurrency and http.html#cread, already parsed:
/// versions from weak ETags (<c>W/"3"</c>), the date from <c>If-Modified-Since</c>.
/// </summary>
internal sealed record Preconditions(int? IfMatchVersion, int? IfNoneMatchVersion, Instant? IfModifiedSince)
{
    public static readonly Preconditions None = new(null, null, null);
}
