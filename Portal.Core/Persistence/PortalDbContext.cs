using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Portal.Core.ApiTokens;
using Portal.Core.Audit;

namespace Portal.Core.Persistence;

/// <summary>
/// The portal's own state. AWS stays the source of truth for everything AWS holds. This type is the SQLite context
/// (its migrations in Migrations/); <see cref="PostgreSqlPortalDbContext"/> is the same model with PostgreSQL's
/// migrations (PostgreSql/Migrations), since one set of migrations cannot serve two providers.
/// </summary>
internal class PortalDbContext : DbContext
{
    public PortalDbContext(DbContextOptions<PortalDbContext> options)
        : base(options)
    {
    }

    protected PortalDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<Setup.SetupRecord> Setups => Set<Setup.SetupRecord>();

    public DbSet<Access.AccessRequestRecord> AccessRequests => Set<Access.AccessRequestRecord>();

    public DbSet<Access.AccessDecisionRecord> AccessDecisions => Set<Access.AccessDecisionRecord>();

    public DbSet<Access.GrantRecord> Grants => Set<Access.GrantRecord>();

    public DbSet<Notifications.NoticeRecord> Notices => Set<Notifications.NoticeRecord>();

    public DbSet<Notifications.NoticeReadRecord> NoticeReads => Set<Notifications.NoticeReadRecord>();

    public DbSet<Hosting.JobLease> Leases => Set<Hosting.JobLease>();

    public DbSet<Hosting.ChangeCounter> Changes => Set<Hosting.ChangeCounter>();

    public DbSet<KeyRing.DataProtectionKeyRecord> DataProtectionKeys => Set<KeyRing.DataProtectionKeyRecord>();

    public DbSet<Identity.PersonRecord> People => Set<Identity.PersonRecord>();

    public DbSet<Sessions.Annotations.AnnotationRecord> Annotations => Set<Sessions.Annotations.AnnotationRecord>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        GuardAppendOnly();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        GuardAppendOnly();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date type that sorts or compares; UTC ticks do both. PostgreSQL keeps timestamptz, which Npgsql
        // writes only with a zero offset: every value goes in as UTC.
        if (Database.IsSqlite())
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        }
        else
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AuditEvent>(audit =>
        {
            audit.ToTable("AuditEvents");
            audit.Property(e => e.Actor).HasMaxLength(256);
            audit.Property(e => e.Action).HasMaxLength(128);
            audit.Property(e => e.Target).HasMaxLength(512);
            audit.Property(e => e.Detail).HasMaxLength(2000);
            audit.Property(e => e.Outcome).HasConversion<string>().HasMaxLength(16);
            audit.HasIndex(e => e.OccurredAt);
            audit.HasIndex(e => e.Actor);
            audit.HasIndex(e => e.Action);
        });

        modelBuilder.Entity<Sessions.Annotations.AnnotationRecord>(annotation =>
        {
            annotation.ToTable("Annotations");
            annotation.Property(e => e.SessionId).HasMaxLength(96);
            annotation.Property(e => e.Kind).HasConversion<string>().HasMaxLength(16);
            annotation.Property(e => e.Quote).HasMaxLength(Sessions.Annotations.AnnotationLimits.MaxQuoteLength);
            annotation.Property(e => e.Text).HasMaxLength(Sessions.Annotations.AnnotationLimits.MaxCommentLength);
            annotation.Property(e => e.TagKey).HasMaxLength(Sessions.Annotations.AnnotationLimits.MaxTagLength);
            annotation.Property(e => e.Folded).HasMaxLength(Sessions.Annotations.AnnotationLimits.MaxFoldedLength);
            annotation.Property(e => e.Author).HasMaxLength(256);
            annotation.Property(e => e.RemovedBy).HasMaxLength(256);
            annotation.HasIndex(e => e.SessionId);
            annotation.HasIndex(e => e.TagKey);
        });

        modelBuilder.Entity<ApiToken>(token =>
        {
            token.ToTable("ApiTokens");
            token.Property(e => e.Name).HasMaxLength(64);
            token.Property(e => e.Roles).HasMaxLength(128);
            token.Property(e => e.Person).HasMaxLength(256);
            token.Property(e => e.IamUser).HasMaxLength(128);
            token.Property(e => e.TokenHash).HasMaxLength(64);
            token.Property(e => e.Prefix).HasMaxLength(16);
            token.Property(e => e.IssuedBy).HasMaxLength(256);
            token.HasIndex(e => e.TokenHash).IsUnique();
        });

        modelBuilder.Entity<Setup.SetupRecord>(setup =>
        {
            setup.ToTable("Setups");
            setup.Property(e => e.Id).ValueGeneratedNever();
            setup.Property(e => e.SavedBy).HasMaxLength(256);
            setup.Property(e => e.Status).HasConversion<string>().HasMaxLength(16);
        });

        modelBuilder.Entity<Access.AccessRequestRecord>(request =>
        {
            request.ToTable("AccessRequests");
            request.Property(e => e.State).HasConversion<string>().HasMaxLength(16);
            request.Property(e => e.Requester).HasMaxLength(256);
            request.Property(e => e.IamUser).HasMaxLength(128);
            request.Property(e => e.Kind).HasConversion<string>().HasMaxLength(16);
            request.Property(e => e.PrincipalType).HasConversion<string>().HasMaxLength(8);
            request.Property(e => e.TargetInstanceId).HasMaxLength(32);
            request.Property(e => e.Reason).HasMaxLength(1000);
            request.Property(e => e.Ticket).HasMaxLength(128);
            request.HasMany(e => e.Decisions).WithOne().HasForeignKey(d => d.RequestId);
            request.HasIndex(e => e.State);
            request.HasIndex(e => e.Requester);
        });

        modelBuilder.Entity<Access.AccessDecisionRecord>(decision =>
        {
            decision.ToTable("AccessDecisions");
            decision.Property(e => e.Approver).HasMaxLength(256);
            decision.Property(e => e.Comment).HasMaxLength(1000);
            decision.HasIndex(e => new { e.RequestId, e.Approver }).IsUnique();
        });

        modelBuilder.Entity<Access.GrantRecord>(grant =>
        {
            grant.ToTable("Grants");
            grant.Property(e => e.PrincipalType).HasConversion<string>().HasMaxLength(8);
            grant.Property(e => e.PrincipalName).HasMaxLength(128);
            grant.Property(e => e.TargetInstanceId).HasMaxLength(32);
            grant.Property(e => e.State).HasConversion<string>().HasMaxLength(16);
            grant.Property(e => e.GrantedBy).HasMaxLength(256);
            grant.Property(e => e.Reason).HasMaxLength(1000);
            grant.Property(e => e.ErrorCode).HasMaxLength(128);
            grant.Property(e => e.Error).HasMaxLength(2000);
            grant.Property(e => e.RevokedBy).HasMaxLength(256);
            grant.Property(e => e.Note).HasMaxLength(2000);
            grant.Property(e => e.Person).HasMaxLength(256);
            grant.Property(e => e.ReviewedBy).HasMaxLength(256);
            grant.Property(e => e.ReviewComment).HasMaxLength(1000);
            grant.HasIndex(e => e.Person);
            grant.HasIndex(e => e.State);
            grant.HasIndex(e => e.ExpiresAt);
        });

        modelBuilder.Entity<Notifications.NoticeRecord>(notice =>
        {
            notice.ToTable("Notices");
            notice.Property(e => e.Audience).HasMaxLength(300);
            notice.Property(e => e.Phrase).HasMaxLength(Notifications.PortalNotifications.MaxKeptPhrase);
            notice.Property(e => e.Text).HasMaxLength(1000);
            notice.Property(e => e.Link).HasMaxLength(300);
            notice.HasIndex(e => new { e.Audience, e.Id });
        });

        modelBuilder.Entity<Notifications.NoticeReadRecord>(read =>
        {
            read.ToTable("NoticeReads");
            read.HasKey(e => e.Person);
            read.Property(e => e.Person).HasMaxLength(256);
        });

        modelBuilder.Entity<Hosting.JobLease>(lease =>
        {
            lease.ToTable("Leases");
            lease.HasKey(e => e.Name);
            lease.Property(e => e.Name).HasMaxLength(64);
            lease.Property(e => e.Holder).HasMaxLength(128);
            lease.Property(e => e.LastError).HasMaxLength(2000);
        });

        modelBuilder.Entity<Hosting.ChangeCounter>(change =>
        {
            change.ToTable("Changes");
            change.HasKey(e => e.Topic);
            change.Property(e => e.Topic).HasConversion<string>().HasMaxLength(32);
        });

        modelBuilder.Entity<Identity.PersonRecord>(person =>
        {
            person.ToTable("People");
            person.Property(e => e.Issuer).HasMaxLength(512);
            person.Property(e => e.Subject).HasMaxLength(256);
            person.Property(e => e.Name).HasMaxLength(256);
            person.Property(e => e.Roles).HasMaxLength(128);
            person.HasIndex(e => new { e.Issuer, e.Subject }).IsUnique();
            person.HasIndex(e => e.Name).IsUnique();
        });

        modelBuilder.Entity<KeyRing.DataProtectionKeyRecord>(key =>
        {
            key.ToTable("DataProtectionKeys");
            key.Property(e => e.FriendlyName).HasMaxLength(256);
        });
    }

    private void GuardAppendOnly()
    {
        if (ChangeTracker.Entries<AuditEvent>().Any(e => e.State is EntityState.Modified or EntityState.Deleted))
        {
            throw new InvalidOperationException("The audit trail is append-only: entries cannot be changed or deleted.");
        }
    }

    private sealed class UtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(at => at.ToUniversalTime(), at => at);

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        value => value.UtcTicks,
        ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
}
