namespace FhirMh.FhirServer.Search.Reindexing;

/// <summary>
/// Indexes the resources that existed before a stored SearchParameter (one version of it) under
/// its code. Written in the transaction of the SearchParameter write; worked through in batches
/// by whichever process holds its lease, so a restart resumes after <see cref="Cursor"/>.
/// </summary>
internal sealed class ReindexJob
{
    public long Id { get; set; }

    public required string SearchParameterId { get; set; }

    public int SearchParameterVersion { get; set; }

    /// <summary>The parameter code the job writes index rows under.</summary>
    public required string Code { get; set; }

    /// <summary>The base types of the parameter, separated by spaces.</summary>
    public required string ResourceTypes { get; set; }

    public ReindexJobStatus Status { get; set; }

    /// <summary>The last resource row the job covers, fixed when it is first claimed; rows after it were indexed on write.</summary>
    public long? LastRowId { get; set; }

    /// <summary>The last resource row done; the next batch starts after it.</summary>
    public long Cursor { get; set; }

    public long Processed { get; set; }

    /// <summary>How many current resources the job expected when it was first claimed.</summary>
    public long? Total { get; set; }

    public string? LeaseOwner { get; set; }

    public Instant? LeaseExpiresAt { get; set; }

    public Instant CreatedAt { get; set; }

    public Instant? StartedAt { get; set; }

    public Instant? FinishedAt { get; set; }

    public Instant UpdatedAt { get; set; }

    public IReadOnlyList<string> Types => ResourceTypes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
