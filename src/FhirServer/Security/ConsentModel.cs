using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// The consent index: each patient's effective privacy Consent flattened into provision nodes,
/// the conditions each node inherits and adds, and the values of those conditions, so that a
/// search can decide access inside its SQL, before paging.
/// </summary>
internal static class ConsentModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        var node = modelBuilder.Entity<ConsentProvisionRow>();
        node.ToTable("consent_provisions");
        node.HasKey(n => new { n.PatientId, n.Node });
        node.Property(n => n.PatientId).HasColumnName("patient_id").HasMaxLength(64);
        node.Property(n => n.Node).HasColumnName("node");
        node.Property(n => n.ConsentId).HasColumnName("consent_id").HasMaxLength(64);
        node.Property(n => n.Depth).HasColumnName("depth");
        node.Property(n => n.IsDeny).HasColumnName("is_deny");
        node.HasIndex(n => n.ConsentId).HasDatabaseName("ix_consent_provisions_consent");

        var condition = modelBuilder.Entity<ConsentConditionRow>();
        condition.ToTable("consent_conditions");
        condition.HasKey(c => new { c.PatientId, c.Node, c.Level, c.Kind });
        condition.Property(c => c.PatientId).HasColumnName("patient_id").HasMaxLength(64);
        condition.Property(c => c.Node).HasColumnName("node");
        condition.Property(c => c.Level).HasColumnName("level");
        condition.Property(c => c.Kind).HasColumnName("kind").HasMaxLength(16);
        condition.Property(c => c.From).HasColumnName("from_instant");
        condition.Property(c => c.To).HasColumnName("to_instant");

        var value = modelBuilder.Entity<ConsentValueRow>();
        value.ToTable("consent_values");
        value.HasKey(v => new { v.PatientId, v.Node, v.Level, v.Kind, v.System, v.Value });
        value.Property(v => v.PatientId).HasColumnName("patient_id").HasMaxLength(64);
        value.Property(v => v.Node).HasColumnName("node");
        value.Property(v => v.Level).HasColumnName("level");
        value.Property(v => v.Kind).HasColumnName("kind").HasMaxLength(16);
        value.Property(v => v.System).HasColumnName("system").HasMaxLength(256);
        value.Property(v => v.Value).HasColumnName("value").HasMaxLength(256);

        var glass = modelBuilder.Entity<BreakTheGlassRow>();
        glass.ToTable("break_the_glass");
        glass.HasKey(g => g.TokenKey);
        glass.Property(g => g.TokenKey).HasColumnName("token_key").HasMaxLength(128);
        glass.Property(g => g.ClientId).HasColumnName("client_id").HasMaxLength(256);
        glass.Property(g => g.Subject).HasColumnName("subject").HasMaxLength(256);
        glass.Property(g => g.StartedAt).HasColumnName("started_at");
        glass.Property(g => g.ExpiresAt).HasColumnName("expires_at");
    }
}

/// <summary>One provision of a patient's effective Consent: its depth in the provision tree and its decision.</summary>
internal sealed class ConsentProvisionRow
{
    public required string PatientId { get; set; }

    public int Node { get; set; }

    public required string ConsentId { get; set; }

    /// <summary>0 for the root provision; a deeper provision that applies overrides a shallower one.</summary>
    public int Depth { get; set; }

    public bool IsDeny { get; set; }
}

/// <summary>
/// A condition a provision node must meet to apply: its own (<see cref="Level"/> = its depth) or
/// one of an enclosing provision's (a nested provision applies only where its parents do).
/// Values of the kinds that have them are in <see cref="ConsentValueRow"/>; any one may match.
/// </summary>
internal sealed class ConsentConditionRow
{
    public required string PatientId { get; set; }

    public int Node { get; set; }

    public int Level { get; set; }

    /// <summary>One of <see cref="ConsentKinds"/>.</summary>
    public required string Kind { get; set; }

    /// <summary>For <c>period</c> and <c>dataPeriod</c>: the first instant, or null for open.</summary>
    public Instant? From { get; set; }

    /// <summary>For <c>period</c> and <c>dataPeriod</c>: the last instant, or null for open.</summary>
    public Instant? To { get; set; }
}

/// <summary>One value of a condition: an actor reference, a purpose, an action, a class, a label or code (system and code), or a data reference (type and id).</summary>
internal sealed class ConsentValueRow
{
    public required string PatientId { get; set; }

    public int Node { get; set; }

    public int Level { get; set; }

    public required string Kind { get; set; }

    /// <summary>The code system of a label or code, the type of a data reference; empty otherwise.</summary>
    public required string System { get; set; }

    public required string Value { get; set; }
}

/// <summary>A break-the-glass grant: from the first request of an access token asserting BTG, for a limited time.</summary>
internal sealed class BreakTheGlassRow
{
    /// <summary>The token's issuer and jti (or a hash of the token when it has none).</summary>
    public required string TokenKey { get; set; }

    public string? ClientId { get; set; }

    public string? Subject { get; set; }

    public Instant StartedAt { get; set; }

    public Instant ExpiresAt { get; set; }
}

/// <summary>The kinds of provision conditions (Consent.provision in R4).</summary>
internal static class ConsentKinds
{
    public const string Period = "period";
    public const string Actor = "actor";
    public const string Action = "action";
    public const string Label = "label";
    public const string Purpose = "purpose";
    public const string Class = "class";
    public const string Code = "code";
    public const string DataPeriod = "dataPeriod";
    public const string Data = "data";
}
