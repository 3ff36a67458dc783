namespace FhirMh.FhirServer.Search.Reindexing;

/// <summary>Where a <see cref="ReindexJob"/> is; stored by name.</summary>
internal enum ReindexJobStatus
{
    /// <summary>Written with the SearchParameter; no process has claimed it yet.</summary>
    Pending,

    /// <summary>Claimed at least once; the cursor says how far it got.</summary>
    Running,

    /// <summary>Every resource of the base types that existed when it started has the parameter's index rows.</summary>
    Done,

    /// <summary>The SearchParameter changed (a new version, retired, deleted) before the job finished.</summary>
    Superseded,
}
