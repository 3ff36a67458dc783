using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Storage;

namespace FhirMh.FhirServer.Interactions;

/// <summary>
/// The conditional headers of http.html#concurrency and http.html#cread, already parsed.
/// </summary>
internal sealed record Preconditions(ETagCondition? IfMatch, ETagCondition? IfNoneMatch, Instant? IfModifiedSince)
{
    /// <summary>True when a write must not simply retry after losing a race: the client stated what it expects.</summary>
    public bool IsConditionalWrite => IfMatch is not null || IfNoneMatch is not null;

    /// <summary>
    /// Parses <c>If-Match</c> and <c>If-None-Match</c> values, from HTTP headers or from the same
    /// fields of a Bundle entry's request.
    /// </summary>
    /// <exception cref="FhirException">400 (expression <c>If-Match</c>) when If-Match is neither * nor entity tags.</exception>
    public static Preconditions Parse(string? ifMatch, string? ifNoneMatch, Instant? ifModifiedSince)
    {
        ETagCondition? ifMatchCondition = null;
        if (!string.IsNullOrEmpty(ifMatch) && !ETagCondition.TryParse(ifMatch, out ifMatchCondition))
        {
            throw FhirException.BadRequest($"If-Match must be * or version ETags such as W/\"3\", not '{ifMatch}'.", "If-Match");
        }

        // A tag that is not one of ours can never match; its presence still decides (RFC 9110 13.1.2).
        ETagCondition? ifNoneMatchCondition = null;
        if (!string.IsNullOrEmpty(ifNoneMatch))
        {
            _ = ETagCondition.TryParse(ifNoneMatch, out ifNoneMatchCondition);
        }

        return new Preconditions(ifMatchCondition, ifNoneMatchCondition, ifModifiedSince);
    }

    /// <summary>No condition: the write applies to whatever version is current.</summary>
    public static readonly Preconditions None = new(null, null, null);

    /// <summary>A write condition that holds only while <paramref name="versionId"/> is the current version.</summary>
    public static Preconditions ExactlyVersion(int versionId) => new(new ETagCondition(IsAny: false, [versionId]), null, null);

    /// <summary>A write condition that holds only while no live resource has the id (<c>If-None-Match: *</c>): a create at a chosen id.</summary>
    public static readonly Preconditions NoLiveResource = new(null, new ETagCondition(IsAny: true, []), null);

    /// <summary>Checks If-Match and If-None-Match against the current version (null: the resource never existed).</summary>
    /// <exception cref="VersionMismatchException">A condition does not hold.</exception>
    public void Check(string type, string id, StoredVersion? current)
    {
        // A tombstone's version still matches its own ETag (the one DELETE returned), but "*"
        // means "a live resource exists" (RFC 9110 13.1.1).
        if (IfMatch is { } ifMatch &&
            !(ifMatch.IsAny ? ifMatch.Matches(Live(current)) : ifMatch.Matches(current?.VersionId)))
        {
            throw new VersionMismatchException(
                current is null
                    ? $"If-Match {ifMatch} does not hold: {type}/{id} does not exist."
                    : $"If-Match {ifMatch} does not hold: the current version of {type}/{id} is {current.VersionId}.",
                "If-Match");
        }

        if (IfNoneMatch is { } ifNoneMatch && ifNoneMatch.Matches(Live(current)))
        {
            throw new VersionMismatchException(
                $"If-None-Match {ifNoneMatch} does not hold: {type}/{id} exists at version {current!.VersionId}.", "If-None-Match");
        }
    }

    private static int? Live(StoredVersion? version) => version is { IsDeleted: false } ? version.VersionId : null;
}
