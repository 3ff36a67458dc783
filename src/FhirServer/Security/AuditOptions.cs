namespace FhirMh.FhirServer.Security;

/// <summary>The audit trail (section <c>Audit</c>): an AuditEvent for every access while security is on.</summary>
internal sealed class AuditOptions
{
    public const string SectionName = "Audit";

    public bool Enabled { get; set; } = true;

    /// <summary>The most AuditEvents of reads written in one database transaction.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How long an AuditEvent of a read may wait to be written with others; the most a crash can lose.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(200);
}
