using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Audit;
using Portal.Core.Aws;
using Portal.Core.Aws.Iam;
using Portal.Core.Persistence;

namespace Portal.Core.Access;

/// <summary>A <c>portal-grant-*</c> policy in IAM that the portal has no live grant for.</summary>
/// <param name="Principal">Where it is, as <c>user/name</c> or <c>group/name</c>.</param>
/// <param name="PolicyName">Its name.</param>
public sealed record UnknownGrantPolicy(string Principal, string PolicyName);

/// <summary>What the last comparison of IAM with the portal's grants found.</summary>
/// <param name="CheckedAt">When.</param>
/// <param name="Missing">Active grants whose policy is gone from IAM.</param>
/// <param name="Unknown">Grant policies the portal does not know, for the approvers to look at.</param>
/// <param name="ErrorCode">The AWS error code when IAM could not be read.</param>
public sealed record ReconcileReport(DateTimeOffset CheckedAt, IReadOnlyList<long> Missing, IReadOnlyList<UnknownGrantPolicy> Unknown, string? ErrorCode = null);

/// <summary>The findings approvers see: the last reconcile.</summary>
public interface IAccessFindings
{
    /// <summary>The last report, or <see langword="null"/> before the first.</summary>
    ReconcileReport? Last { get; }
}

/// <summary>
/// Ends what is due and compares IAM with the database: expired grants lose their policy (their time window had
/// already closed them) and their live sessions, undecided requests expire, every tick the bastions are swept for
/// sessions no grant covers, and every few minutes a grant policy deleted outside the portal
/// is marked missing and one the portal does not know is reported.
/// </summary>
internal sealed partial class AccessMaintenance(
    IDbContextFactory<PortalDbContext> contexts,
    AccessService access,
    SessionEnforcer enforcer,
    IIamClient iam,
    IAuditTrail audit,
    TimeProvider time,
    IOptions<AccessOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<AccessMaintenance> logger) : BackgroundService, IAccessFindings
{
    internal const string Actor = "portal";

    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(30);

    public ReconcileReport? Last { get; private set; }

    /// <summary>Ends due grants and stale requests; a grant whose policy cannot be removed stays Active and says why.</summary>
    internal async Task<int> ExpireAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var due = await db.Grants.AsNoTracking()
            .Where(g => (g.State == GrantState.Active || g.State == GrantState.Approved) && g.ExpiresAt <= now)
            .ToListAsync(cancellationToken);
        var ended = 0;
        foreach (var grant in due)
        {
            try
            {
                await access.DeletePolicyAsync(grant, cancellationToken);
            }
            catch (AwsApiException ex)
            {
                LogExpiryFailed(logger, grant.Id, ex.ErrorCode);
                await db.Grants.Where(g => g.Id == grant.Id).ExecuteUpdateAsync(u => u.SetProperty(g => g.ErrorCode, ex.ErrorCode).SetProperty(g => g.Error, $"The expired policy could not be removed (its time window has closed it): {ex.Message}"), cancellationToken);
                continue;
            }

            if (await db.Grants.Where(g => g.Id == grant.Id && (g.State == GrantState.Active || g.State == GrantState.Approved))
                    .ExecuteUpdateAsync(u => u.SetProperty(g => g.State, GrantState.Expired).SetProperty(g => g.EndedAt, now), cancellationToken) == 1)
            {
                ended++;

                // The window stops new sessions only; a shell opened before expiry would run on until the preferences'
                // maximum session duration.
                var (note, cleared) = await access.EndSessionsAsync(grant, Actor, $"grant {grant.Id} expired", cancellationToken);
                await db.Grants.Where(g => g.Id == grant.Id).ExecuteUpdateAsync(u => u.SetProperty(g => g.Note, note).SetProperty(g => g.SessionsClearedAt, cleared ? now : null), cancellationToken);
                await audit.RecordAsync(new AuditRecord(Actor, "grant.expire", AccessService.GrantTarget(grant.Id), AuditOutcome.Succeeded, $"policy {GrantPolicy.NameOf(grant.Id)} removed from {grant.Principal}; {note}"), cancellationToken);
                if (await access.RequesterOfAsync(grant, cancellationToken) is { } requester)
                {
                    await access.NoticeAsync(Notifications.INotifications.Person(requester), $"Your access to {grant.TargetInstanceId} (grant {grant.Id}) has expired.", "/access/request");
                }
            }
        }

        await WarnAsync(db, now, cancellationToken);
        var stale = now.AddHours(-options.Value.PendingExpiryHours);
        var undecided = await db.AccessRequests.AsNoTracking().Where(r => r.State == AccessRequestState.Pending && r.CreatedAt <= stale).Select(r => r.Id).ToListAsync(cancellationToken);
        foreach (var id in undecided)
        {
            if (await db.AccessRequests.Where(r => r.Id == id && r.State == AccessRequestState.Pending)
                    .ExecuteUpdateAsync(u => u.SetProperty(r => r.State, AccessRequestState.Expired).SetProperty(r => r.DecidedAt, now), cancellationToken) == 1)
            {
                await audit.RecordAsync(new AuditRecord(Actor, "access.expire", AccessService.RequestTarget(id), AuditOutcome.Succeeded, $"not decided within {options.Value.PendingExpiryHours} h"), cancellationToken);
            }
        }

        return ended;
    }

    /// <summary>Tells requesters once that their access ends soon.</summary>
    private async Task WarnAsync(PortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var soon = now.AddMinutes(options.Value.ExpiryWarningMinutes);
        var ending = await db.Grants.AsNoTracking()
            .Where(g => g.State == GrantState.Active && g.WarnedAt == null && g.ExpiresAt <= soon && g.ExpiresAt > now && g.RequestId != null)
            .ToListAsync(cancellationToken);
        foreach (var grant in ending)
        {
            if (await db.Grants.Where(g => g.Id == grant.Id && g.WarnedAt == null).ExecuteUpdateAsync(u => u.SetProperty(g => g.WarnedAt, now), cancellationToken) == 1
                && await access.RequesterOfAsync(grant, cancellationToken) is { } requester)
            {
                var left = (int)Math.Ceiling((grant.ExpiresAt - now).TotalMinutes);
                await access.NoticeAsync(Notifications.INotifications.Person(requester), $"Your access to {grant.TargetInstanceId} (grant {grant.Id}) ends in {left} min, at {AccessService.Stamp(grant.ExpiresAt)}.", "/access/request");
            }
        }
    }

    /// <summary>Compares IAM with the grants the portal believes active.</summary>
    internal async Task<ReconcileReport> ReconcileAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var live = await db.Grants.AsNoTracking().Where(g => g.State == GrantState.Active || g.State == GrantState.Approved).ToListAsync(cancellationToken);
            var missing = new List<long>();
            foreach (var grant in live.Where(g => g.State == GrantState.Active && g.ExpiresAt > now))
            {
                var policy = grant.PrincipalType == PrincipalType.User
                    ? await iam.GetUserPolicyAsync(grant.PrincipalName, GrantPolicy.NameOf(grant.Id), cancellationToken)
                    : await iam.GetGroupPolicyAsync(grant.PrincipalName, GrantPolicy.NameOf(grant.Id), cancellationToken);
                if (policy is null)
                {
                    missing.Add(grant.Id);
                    if (await db.Grants.Where(g => g.Id == grant.Id && !g.MissingInIam).ExecuteUpdateAsync(u => u.SetProperty(g => g.MissingInIam, true), cancellationToken) == 1)
                    {
                        await audit.RecordAsync(new AuditRecord(Actor, "grant.missing", AccessService.GrantTarget(grant.Id), AuditOutcome.Failed, $"policy {GrantPolicy.NameOf(grant.Id)} was deleted from {grant.Principal} outside the portal"), cancellationToken);
                    }
                }
            }

            var known = live.Select(g => (g.PrincipalType, g.PrincipalName, g.Id)).ToHashSet();
            var unknown = new List<UnknownGrantPolicy>();
            foreach (var user in await iam.ListUsersAsync(cancellationToken))
            {
                unknown.AddRange((await iam.ListUserPoliciesAsync(user.UserName, cancellationToken))
                    .Where(name => GrantPolicy.IdOf(name) is { } id ? !known.Contains((PrincipalType.User, user.UserName, id)) : name.StartsWith(GrantPolicy.NamePrefix, StringComparison.Ordinal))
                    .Select(name => new UnknownGrantPolicy($"user/{user.UserName}", name)));
            }

            foreach (var group in await iam.ListGroupsAsync(cancellationToken))
            {
                unknown.AddRange((await iam.ListGroupPoliciesAsync(group.GroupName, cancellationToken))
                    .Where(name => GrantPolicy.IdOf(name) is { } id ? !known.Contains((PrincipalType.Group, group.GroupName, id)) : name.StartsWith(GrantPolicy.NamePrefix, StringComparison.Ordinal))
                    .Select(name => new UnknownGrantPolicy($"group/{group.GroupName}", name)));
            }

            foreach (var found in unknown.Where(u => Last?.Unknown.Contains(u) != true))
            {
                await audit.RecordAsync(new AuditRecord(Actor, "grant.unknown-policy", found.Principal, AuditOutcome.Failed, $"{found.PolicyName} is in IAM but not a live grant of the portal"), cancellationToken);
            }

            return Last = new ReconcileReport(now, missing, unknown);
        }
        catch (AwsApiException ex)
        {
            LogReconcileFailed(logger, ex.ErrorCode);
            return Last = new ReconcileReport(now, Last?.Missing ?? [], Last?.Unknown ?? [], ex.ErrorCode);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The database is migrated while the host starts; the first pass waits for that.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        var nextReconcile = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ExpireAsync(stoppingToken);
                await enforcer.SweepAsync(stoppingToken);
                if (time.GetUtcNow() >= nextReconcile)
                {
                    await ReconcileAsync(stoppingToken);
                    nextReconcile = time.GetUtcNow().AddMinutes(options.Value.ReconcileIntervalMinutes);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // A pass that fails (AWS, the database) is logged and tried again on the next tick; it never stops the portal.
                LogPassFailed(logger, ex);
            }

            try
            {
                await Task.Delay(Tick, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grant {GrantId} expired but its policy could not be removed: {ErrorCode}")]
    private static partial void LogExpiryFailed(ILogger logger, long grantId, string errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grants could not be compared with IAM: {ErrorCode}")]
    private static partial void LogReconcileFailed(ILogger logger, string errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An access maintenance pass failed")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
