using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Audit;
using Portal.Core.Aws;
using Portal.Core.Aws.Iam;
using Portal.Core.Notifications;
using Portal.Core.Persistence;
using Portal.Core.Setup;

namespace Portal.Core.Access;

/// <summary>
/// Holds the bastions' live sessions to the grants. IAM conditions are checked only when an API is called, so a shell
/// opened under a grant would outlive it by up to the preferences' maximum session duration: here a grant's end ends
/// its sessions, sweeps repeat for a few minutes (IAM may still honour a deleted policy for seconds) and until they
/// succeed, and a session no active grant covers is ended or reported. Owners are compared in the portal by IAM user
/// name (paths differ; an Owner filter would have to spell the ARN exactly).
/// </summary>
internal sealed partial class SessionEnforcer(
    IDbContextFactory<PortalDbContext> contexts,
    ILiveSessions sessions,
    IBastionDirectory bastions,
    IIamClient iam,
    IAwsEnvironment environment,
    IAuditTrail audit,
    INotifications notifications,
    TimeProvider time,
    IOptions<AccessOptions> options,
    ILogger<SessionEnforcer> logger) : ILiveSessionService
{
    internal const string Actor = "portal";

    /// <summary>How long after a grant ends its bastion is swept again for the grantee's sessions.</summary>
    internal static readonly TimeSpan FollowUp = TimeSpan.FromMinutes(5);

    /// <summary>How long a failed sweep is retried: the longest session Session Manager allows.</summary>
    private static readonly TimeSpan RetryFor = TimeSpan.FromHours(24);

    private const int MaxReason = 1000;

    private readonly ConcurrentDictionary<string, byte> _reported = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<LiveSessionView>> ListAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var targets = await bastions.ListAsync(cancellationToken);
        var names = (await environment.ListInstancesAsync(cancellationToken)).ToDictionary(i => i.InstanceId, i => i.Name, StringComparer.Ordinal);
        var coverage = await CoverageAsync(now, excluding: null, cancellationToken);
        var people = await RequestersAsync(coverage.Select(c => c.Grant), cancellationToken);
        var views = new List<LiveSessionView>();
        foreach (var target in targets)
        {
            foreach (var session in await sessions.ListActiveAsync(target, cancellationToken))
            {
                var user = SessionOwner.IamUserName(session.Owner);
                var grant = Covering(coverage, user, session.Target, now);
                views.Add(new LiveSessionView(
                    session.SessionId,
                    session.Owner,
                    user,
                    grant is not null ? people.GetValueOrDefault(grant.Id) : null,
                    session.Target,
                    names.GetValueOrDefault(session.Target),
                    session.DocumentName,
                    session.StartedAt,
                    grant?.Id,
                    session.Status));
            }
        }

        return [.. views.OrderByDescending(v => v.StartedAt).ThenBy(v => v.SessionId, StringComparer.Ordinal)];
    }

    public async Task TerminateAsync(string sessionId, string actor, string? reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw AccessException.Invalid("reason", "Say why the session is ended; the person is told.");
        }

        if (reason.Length > MaxReason || ControlCharacters().IsMatch(reason))
        {
            throw AccessException.Invalid("reason", $"A reason is up to {MaxReason} characters, without control characters.");
        }

        var live = (await ListAsync(cancellationToken)).FirstOrDefault(s => s.SessionId == sessionId)
            ?? throw new AccessException(AccessRefusal.NotFound, $"There is no live session {sessionId} on a bastion the portal manages.");
        try
        {
            await sessions.TerminateAsync(sessionId, cancellationToken);
        }
        catch (AwsApiException ex)
        {
            await RecordAsync(actor, "session.terminate", sessionId, $"{ex.Service} {ex.Operation} answered {ex.ErrorCode}; the session is still live", AuditOutcome.Failed);
            throw;
        }

        await RecordAsync(actor, "session.terminate", sessionId, $"{Who(live.Owner)} on {live.Target}: {reason.Trim()}");
        if (live.Person is { } person)
        {
            await NoticeAsync(INotifications.Person(person), $"Your session {sessionId} on {live.Target} was ended by {actor}: {reason.Trim()}");
        }
    }

    /// <summary>
    /// Ends the sessions a grant's principal holds on its bastion, except those another active grant covers.
    /// </summary>
    /// <returns>The sessions ended.</returns>
    /// <exception cref="AwsApiException">Session Manager could not be read, or refused a termination (those before it are ended).</exception>
    internal async Task<IReadOnlyList<string>> EndForGrantAsync(GrantRecord grant, string actor, string why, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var users = (await PrincipalsAsync([grant], cancellationToken))[0].Users;
        var others = await CoverageAsync(now, excluding: grant.Id, cancellationToken);
        var ended = new List<string>();
        foreach (var session in await sessions.ListActiveAsync(grant.TargetInstanceId, cancellationToken))
        {
            var user = SessionOwner.IamUserName(session.Owner);
            if (user is null || !users.Contains(user) || Covering(others, user, session.Target, now) is not null)
            {
                continue;
            }

            await TerminateRecordedAsync(session, actor, why, cancellationToken);
            ended.Add(session.SessionId);
        }

        return ended;
    }

    /// <summary>
    /// One pass over every bastion: sessions of grants that ended lately (or whose sweep has not yet succeeded) are
    /// ended; any other session no active grant covers is ended or reported, as configured.
    /// </summary>
    /// <returns>How many sessions were ended.</returns>
    internal async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var coverage = await CoverageAsync(now, excluding: null, cancellationToken);
        List<GrantRecord> recent;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var followUpSince = now - FollowUp;
            var retrySince = now - RetryFor;
            recent = await db.Grants.AsNoTracking()
                .Where(g => (g.State == GrantState.Revoked || g.State == GrantState.Expired) && g.EndedAt != null
                    && (g.EndedAt >= followUpSince || (g.SessionsClearedAt == null && g.EndedAt >= retrySince)))
                .ToListAsync(cancellationToken);
        }

        var ended = await PrincipalsAsync(recent, cancellationToken);
        var failures = new Dictionary<long, AwsApiException>();
        var count = 0;
        foreach (var target in await bastions.ListAsync(cancellationToken))
        {
            IReadOnlyList<ActiveSession> live;
            try
            {
                live = await sessions.ListActiveAsync(target, cancellationToken);
            }
            catch (AwsApiException ex)
            {
                LogSweepFailed(logger, target, ex.ErrorCode);
                foreach (var (grant, _) in ended.Where(e => e.Grant.TargetInstanceId == target))
                {
                    failures[grant.Id] = ex;
                }

                continue;
            }

            foreach (var session in live)
            {
                var user = SessionOwner.IamUserName(session.Owner);
                if (Covering(coverage, user, session.Target, now) is not null)
                {
                    continue;
                }

                var endedGrant = user is null ? null : ended.FirstOrDefault(e => e.Grant.TargetInstanceId == session.Target && e.Users.Contains(user)).Grant;
                if (endedGrant is null && options.Value.EnforceSessions == EnforceSessionsMode.Report)
                {
                    if (_reported.TryAdd(session.SessionId, 0))
                    {
                        await RecordAsync(Actor, "session.unauthorized", session.SessionId, $"{Who(session.Owner)} on {session.Target}: no active portal grant covers it (left running: EnforceSessions is Report)", AuditOutcome.Failed);
                    }

                    continue;
                }

                var why = endedGrant is null
                    ? $"no active portal grant covers {Who(session.Owner)} on {session.Target}"
                    : $"grant {endedGrant.Id} {(endedGrant.State == GrantState.Revoked ? "was revoked" : "expired")}";
                try
                {
                    await TerminateRecordedAsync(session, Actor, why, cancellationToken);
                    count++;
                }
                catch (AwsApiException ex)
                {
                    if (endedGrant is not null)
                    {
                        failures[endedGrant.Id] = ex;
                    }
                }
            }
        }

        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            foreach (var (grant, _) in ended)
            {
                if (failures.TryGetValue(grant.Id, out var failure))
                {
                    await db.Grants.Where(g => g.Id == grant.Id).ExecuteUpdateAsync(
                        u => u.SetProperty(g => g.ErrorCode, failure.ErrorCode).SetProperty(g => g.Error, Cut($"Live sessions could not be ended ({failure.Service} {failure.Operation} answered {failure.ErrorCode}); the portal keeps trying: {failure.Message}")),
                        cancellationToken);
                }
                else if (grant.SessionsClearedAt is null)
                {
                    await db.Grants.Where(g => g.Id == grant.Id).ExecuteUpdateAsync(
                        u => u.SetProperty(g => g.SessionsClearedAt, now).SetProperty(g => g.ErrorCode, (string?)null).SetProperty(g => g.Error, (string?)null),
                        cancellationToken);
                }
            }
        }

        return count;
    }

    private async Task TerminateRecordedAsync(ActiveSession session, string actor, string why, CancellationToken cancellationToken)
    {
        try
        {
            await sessions.TerminateAsync(session.SessionId, cancellationToken);
        }
        catch (AwsApiException ex)
        {
            LogTerminateFailed(logger, session.SessionId, ex.ErrorCode);
            await RecordAsync(actor, "session.terminate", session.SessionId, $"{Who(session.Owner)} on {session.Target}: {why}; {ex.Service} {ex.Operation} answered {ex.ErrorCode}, retried", AuditOutcome.Failed);
            throw;
        }

        await RecordAsync(actor, "session.terminate", session.SessionId, $"{Who(session.Owner)} on {session.Target}: {why}");
    }

    /// <summary>The active grants in their window, each with the IAM users it covers (a group's members).</summary>
    private async Task<IReadOnlyList<(GrantRecord Grant, IReadOnlySet<string> Users)>> CoverageAsync(DateTimeOffset now, long? excluding, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var active = await db.Grants.AsNoTracking()
            .Where(g => g.State == GrantState.Active && g.StartsAt <= now && g.ExpiresAt > now && g.Id != excluding)
            .ToListAsync(cancellationToken);

        // A person's own grant names them; a group's does not: where both cover a session, it is shown under the first.
        return await PrincipalsAsync(active.OrderBy(g => g.PrincipalType == PrincipalType.Group).ThenByDescending(g => g.Id), cancellationToken);
    }

    private async Task<List<(GrantRecord Grant, IReadOnlySet<string> Users)>> PrincipalsAsync(IEnumerable<GrantRecord> grants, CancellationToken cancellationToken)
    {
        var members = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        var result = new List<(GrantRecord, IReadOnlySet<string>)>();
        foreach (var grant in grants)
        {
            if (grant.PrincipalType == PrincipalType.User)
            {
                result.Add((grant, new HashSet<string>([grant.PrincipalName], StringComparer.Ordinal)));
                continue;
            }

            if (!members.TryGetValue(grant.PrincipalName, out var users))
            {
                users = await MembersAsync(grant.PrincipalName, cancellationToken);
                members[grant.PrincipalName] = users;
            }

            result.Add((grant, users));
        }

        return result;
    }

    private async Task<IReadOnlySet<string>> MembersAsync(string group, CancellationToken cancellationToken)
    {
        try
        {
            return (await iam.GetGroupMembersAsync(group, cancellationToken)).Select(u => u.UserName).ToHashSet(StringComparer.Ordinal);
        }
        catch (AwsApiException ex) when (ex.ErrorCode == "NoSuchEntity")
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }
    }

    private static GrantRecord? Covering(IEnumerable<(GrantRecord Grant, IReadOnlySet<string> Users)> coverage, string? user, string target, DateTimeOffset now) =>
        user is null ? null : coverage.FirstOrDefault(c => c.Grant.TargetInstanceId == target && c.Users.Contains(user) && c.Grant.StartsAt <= now && now < c.Grant.ExpiresAt).Grant;

    private async Task<Dictionary<long, string>> RequestersAsync(IEnumerable<GrantRecord> grants, CancellationToken cancellationToken)
    {
        var requestIds = grants.Where(g => g.RequestId is not null).Select(g => g.RequestId!.Value).Distinct().ToList();
        if (requestIds.Count == 0)
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var requesters = await db.AccessRequests.AsNoTracking().Where(r => requestIds.Contains(r.Id)).Select(r => new { r.Id, r.Requester }).ToDictionaryAsync(r => r.Id, r => r.Requester, cancellationToken);
        return grants.Where(g => g.RequestId is { } id && requesters.ContainsKey(id)).ToDictionary(g => g.Id, g => requesters[g.RequestId!.Value]);
    }

    private static string Who(string owner) => SessionOwner.IamUserName(owner) is { } user ? $"user/{user}" : owner;

    private static string Cut(string text) => text.Length <= 2000 ? text : text[..2000];

    private Task RecordAsync(string actor, string action, string sessionId, string detail, AuditOutcome outcome = AuditOutcome.Succeeded) =>
        audit.RecordAsync(new AuditRecord(actor, action, SessionTarget(sessionId), outcome, Cut(detail)), CancellationToken.None);

    internal static string SessionTarget(string sessionId) => "session/" + sessionId;

    private async Task NoticeAsync(string audience, string text)
    {
        try
        {
            await notifications.NotifyAsync(audience, text, "/access/request", CancellationToken.None);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or AwsApiException)
        {
            LogNoticeFailed(logger, audience, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live sessions on {Target} could not be listed: {ErrorCode}")]
    private static partial void LogSweepFailed(ILogger logger, string target, string errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} could not be ended: {ErrorCode}")]
    private static partial void LogTerminateFailed(ILogger logger, string sessionId, string errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A notice for {Audience} could not be kept")]
    private static partial void LogNoticeFailed(ILogger logger, string audience, Exception exception);

    [GeneratedRegex(@"[\p{Cc}-[\r\n\t]]")]
    private static partial Regex ControlCharacters();
}
