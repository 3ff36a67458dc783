using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Subscriptions;

/// <summary>The subscription tables in the EF Core model: the outbox of committed changes, notifications, state and the dispatcher lease.</summary>
internal static class SubscriptionModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        var change = modelBuilder.Entity<SubscriptionEventRow>();
        change.ToTable("subscription_events");
        change.HasKey(e => e.EventId);
        change.Property(e => e.EventId).HasColumnName("event_id").ValueGeneratedOnAdd();
        change.Property(e => e.RowId).HasColumnName("row_id");
        change.Property(e => e.SubscriptionIds).HasColumnName("subscription_ids");
        change.HasOne(e => e.Row).WithMany().HasForeignKey(e => e.RowId).OnDelete(DeleteBehavior.Cascade);

        var state = modelBuilder.Entity<SubscriptionStateRow>();
        state.ToTable("subscription_state");
        state.HasKey(s => s.SubscriptionId);
        state.Property(s => s.SubscriptionId).HasColumnName("subscription_id").HasMaxLength(64);
        state.Property(s => s.BaseUrl).HasColumnName("base_url").HasMaxLength(2048);
        state.Property(s => s.EventCount).HasColumnName("event_count");
        state.Property(s => s.LastSentAt).HasColumnName("last_sent_at");

        var notification = modelBuilder.Entity<SubscriptionNotificationRow>();
        notification.ToTable("subscription_notifications");
        notification.HasKey(n => n.Id);
        notification.Property(n => n.Id).HasColumnName("id").ValueGeneratedOnAdd();
        notification.Property(n => n.SubscriptionId).HasColumnName("subscription_id").HasMaxLength(64);
        notification.Property(n => n.EventNumber).HasColumnName("event_number");
        notification.Property(n => n.RowId).HasColumnName("row_id");
        notification.Property(n => n.OccurredAt).HasColumnName("occurred_at");
        notification.Property(n => n.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(16);
        notification.Property(n => n.Attempts).HasColumnName("attempts");
        notification.Property(n => n.NextAttemptAt).HasColumnName("next_attempt_at");
        notification.Property(n => n.LastError).HasColumnName("last_error").HasMaxLength(1024);
        notification.HasIndex(n => new { n.SubscriptionId, n.EventNumber }).IsUnique().HasDatabaseName("ux_subscription_notifications_event");
        notification.HasIndex(n => new { n.Status, n.NextAttemptAt }).HasDatabaseName("ix_subscription_notifications_due");

        var catalog = modelBuilder.Entity<SubscriptionCatalogState>();
        catalog.ToTable("subscription_catalog");
        catalog.HasKey(c => c.Id);
        catalog.Property(c => c.Id).HasColumnName("id").ValueGeneratedNever();
        catalog.Property(c => c.Stamp).HasColumnName("stamp");
        catalog.HasData(new SubscriptionCatalogState { Id = SubscriptionCatalogState.SingletonId, Stamp = 0 });

        var lease = modelBuilder.Entity<SubscriptionLeaseRow>();
        lease.ToTable("subscription_lease");
        lease.HasKey(l => l.Name);
        lease.Property(l => l.Name).HasColumnName("name").HasMaxLength(32);
        lease.Property(l => l.Owner).HasColumnName("owner").HasMaxLength(256);
        lease.Property(l => l.ExpiresAt).HasColumnName("expires_at");
    }
}

/// <summary>
/// One committed change waiting to be checked against the subscriptions (the outbox): written in
/// the same transaction as the version it names, so no change is lost, even across a restart,
/// and none is seen before it commits.
/// </summary>
internal sealed class SubscriptionEventRow
{
    public long EventId { get; set; }

    /// <summary>The version that changed (<see cref="ResourceRow.RowId"/>).</summary>
    public long RowId { get; set; }

    /// <summary>Set when the event is written together with its version, so EF Core fills <see cref="RowId"/>.</summary>
    public ResourceRow? Row { get; set; }

    /// <summary>
    /// The subscriptions whose criteria the version met when it was written, comma-separated (a
    /// FHIR id holds no comma). Null for an event that has not been matched yet: the dispatcher
    /// then checks it against every subscription.
    /// </summary>
    public string? SubscriptionIds { get; set; }
}

/// <summary>What the server keeps about a Subscription besides the resource: events counted so far, and when it last sent something.</summary>
internal sealed class SubscriptionStateRow
{
    public required string SubscriptionId { get; set; }

    /// <summary>The FHIR base URL the Subscription was written through: notifications name resources under it.</summary>
    public required string BaseUrl { get; set; }

    /// <summary>Events since the subscription started: the number of the last one (backport <c>events-since-subscription-start</c>).</summary>
    public long EventCount { get; set; }

    /// <summary>When the last notification went out, for heartbeats.</summary>
    public Instant? LastSentAt { get; set; }
}

/// <summary>One event notification for one subscription: delivered in event-number order, retried with back-off.</summary>
internal sealed class SubscriptionNotificationRow
{
    public long Id { get; set; }

    public required string SubscriptionId { get; set; }

    /// <summary>The event's number within its subscription, from 1.</summary>
    public long EventNumber { get; set; }

    /// <summary>The version the event is about.</summary>
    public long RowId { get; set; }

    public Instant OccurredAt { get; set; }

    public NotificationStatus Status { get; set; }

    public int Attempts { get; set; }

    public Instant NextAttemptAt { get; set; }

    public string? LastError { get; set; }
}

internal enum NotificationStatus
{
    Pending,
    Delivered,
    Failed,
}

/// <summary>
/// The single row that says which set of Subscriptions is current: every write of a Subscription
/// version gives it a new random <see cref="Stamp"/> in the same transaction, and a process whose
/// <see cref="SubscriptionCatalog"/> carries another stamp reads the Subscriptions again. Random
/// rather than counted, so that a rolled-back write cannot leave a catalog holding a stamp that a
/// later write reuses.
/// </summary>
internal sealed class SubscriptionCatalogState
{
    public const int SingletonId = 1;

    public int Id { get; set; }

    public long Stamp { get; set; }
}

/// <summary>The lease that makes one server process at a time the dispatcher, so a notification is not sent twice.</summary>
internal sealed class SubscriptionLeaseRow
{
    public required string Name { get; set; }

    public required string Owner { get; set; }

    public Instant ExpiresAt { get; set; }
}
