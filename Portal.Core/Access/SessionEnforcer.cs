using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Audit;
using Portal.Core.Aws;
using Portal.Core.Aws.Iam;
using Portal.Core.Notifications;
using Portal.Core.Setup;
using Portal.Core.Text;

namespace Portal.Core.Access;

/// <summary>
/// Holds the bastions' live sessions to the grants. IAM conditions are checked only when an API is called, so a shell
/// opened under a grant would outlive it by up to the preferences' maximum session duration: here a grant's end ends
/// its sessions, sweeps repeat for a few minutes (IAM may still honour a deleted policy for seconds) and until they
/// succeed, and a session no active grant covers is ended or reported. Owners are compared in the portal by IAM user
/// name (paths differ; an Owner filter would have to spell the ARN exactly).
/// </summary>
internal sealed partial class SessionEnforcer(
    GrantStore grants,
    ILiveSessions sessions,
    IBastionDirectory bastions,
    IIamClient iam,
    IAwsEnvironment environment,
    AccessNotifier notifier,
    TimeProvider time,
    IOptions<AccessOptions> options,
    ILogger<SessionEnforcer> logger) : ILiveSessionService
{
    internal const string Actor = "portal";

    /// <summary>How long after a grant ends its bastion is swept again for the grantee's sessions.</summary>
    internal static readonly TimeSpan FollowUp = TimeSpan.FromMinutes(5);

    /// <summary>How long a failed sweep is retried: the longest session Session Manager allows.</summary>
    private static readonly TimeSpan RetryFor = TimeSpan.FromHours(24);

    private readonly ConcurrentDictionary<string, byte> _reported = new(StringComparer.Ordinal);

    /// <summary>Sessions whose termination failed: the failure is audited once, not on every 30-second retry.</summary>
    private readonly ConcurrentDictionary<string, byte> _failed = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<LiveSessionView>> ListAsync(CancellationToken cancellationToken = default)
    {
        var names = (await environment.ListInstancesAsync(cancellationToken)).ToDictionary(i => i.InstanceId, i => i.Name, StringComparer.Ordinal);
        return [.. (await LiveAsync(cancellationToken))
            .Select(live => new LiveSessionView(
                live.Session.SessionId,
                live.Session.Owner,
                SessionOwner.IamUserName(live.Session.Owner),
                live.Grant?.Person,
                live.Session.Target,
                names.GetValueOrDefault(live.Session.Target),
                live.Session.DocumentName,
                live.Session.StartedAt,
                live.Grant?.Id,
                live.Session.Status))
            .OrderByDescending(v => v.StartedAt)
            .ThenBy(v => v.SessionId, StringComparer.Ordinal)];
    }

    public async Task TerminateAsync(string sessionId, string actor, string? reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        var why = AccessInput.Reason(reason, new Phrase("Say why the session is ended; the person is told."));

        // The session must be live on a bastion the portal manages; the instances' names are not needed for that.
        var (session, grant) = (await LiveAsync(cancellationToken)).FirstOrDefault(l => l.Session.SessionId == sessionId);
        if (session is null)
        {
            throw new AccessException(AccessRefusal.NotFound, new Phrase("There is no live session {0} on a bastion the portal manages.", sessionId));
        }

        try
        {
            await sessions.TerminateAsync(sessionId, cancellationToken);
        }
        catch (AwsApiException ex)
        {
            await RecordAsync(actor, AuditActions.SessionTerminate, sessionId, $"{ex.Service} {ex.Operation} answered {ex.ErrorCode}; the session is still live", AuditOutcome.Failed);
            throw;
        }

        await RecordAsync(actor, AuditActions.SessionTerminate, sessionId, $"{Who(session.Owner)} on {session.Target}: {why}");
        if (grant?.Person is { } person)
        {
            await notifier.NoticeAsync(INotifications.Person(person), new Phrase("Your session {0} on {1} was ended by {2}: {3}", sessionId, session.Target, actor, why));
        }
    }

    /// <summary>The active sessions on every bastion, each with the active grant that covers it, if any.</summary>
    private async Task<List<(ActiveSession Session, GrantRecord? Grant)>> LiveAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var coverage = await CoverageAsync(now, excluding: null, cancellationToken);
        var live = new List<(ActiveSession, GrantRecord?)>();
        foreach (var target in await bastions.ListAsync(cancellationToken))
        {
            live.AddRange((await sessions.ListActiveAsync(target, cancellationToken)).Select(s => (s, Covering(coverage, SessionOwner.IamUserName(s.Owner), s.Target, now))));
        }

        return live;
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
        var recent = await grants.SweepingAsync(now - FollowUp, now - RetryFor, cancellationToken);
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
                        await RecordAsync(Actor, AuditActions.SessionUnauthorized, session.SessionId, $"{Who(session.Owner)} on {session.Target}: no active portal grant covers it (left running: EnforceSessions is Report)", AuditOutcome.Failed);
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

        foreach (var (grant, _) in ended)
        {
            if (failures.TryGetValue(grant.Id, out var failure))
            {
                await grants.ErrorAsync(grant.Id, failure.ErrorCode, $"Live sessions could not be ended ({failure.Service} {failure.Operation} answered {failure.ErrorCode}); the portal keeps trying: {failure.Message}", cancellationToken);
            }
            else if (grant.SessionsClearedAt is null)
            {
                await grants.SessionsClearedAsync(grant.Id, now, cancellationToken);
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
            if (_failed.TryAdd(session.SessionId, 0))
            {
                await RecordAsync(actor, AuditActions.SessionTerminate, session.SessionId, $"{Who(session.Owner)} on {session.Target}: {why}; {ex.Service} {ex.Operation} answered {ex.ErrorCode}; retried every 30 s", AuditOutcome.Failed);
            }

            throw;
        }

        await RecordAsync(actor, AuditActions.SessionTerminate, session.SessionId, $"{Who(session.Owner)} on {session.Target}: {why}");
    }

    /// <summary>The active grants in their window, each with the IAM users it covers (a group's members).</summary>
    private async Task<IReadOnlyList<(GrantRecord Grant, IReadOnlySet<string> Users)>> CoverageAsync(DateTimeOffset now, long? excluding, CancellationToken cancellationToken)
    {
        var active = await grants.ActiveAsync(now, excluding, cancellationToken);

        // A person's own grant names them; a group's does not: where both cover a session, it is shown under the first.
        return await PrincipalsAsync(active.OrderBy(g => g.PrincipalType == PrincipalType.Group).ThenByDescending(g => g.Id), cancellationToken);
    }

    private async Task<List<(GrantRecord Grant, IReadOnlySet<string> Users)>> PrincipalsAsync(IEnumerable<GrantRecord> records, CancellationToken cancellationToken)
    {
        var members = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        var result = new List<(GrantRecord, IReadOnlySet<string>)>();
        foreach (var grant in records)
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

    private static string Who(string owner) => SessionOwner.IamUserName(owner) is { } user ? $"user/{user}" : owner;

    private Task RecordAsync(string actor, string action, string sessionId, string detail, AuditOutcome outcome = AuditOutcome.Succeeded) =>
        notifier.AuditAsync(actor, action, SessionTarget(sessionId), detail, outcome);

    internal static string SessionTarget(string sessionId) => "session/" + sessionId;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live sessions on {Target} could not be listed: {ErrorCode}")]
    private static partial void LogSweepFailed(ILogger logger, string target, string errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} could not be ended: {ErrorCode}")]
    private static partial void LogTerminateFailed(ILogger logger, string sessionId, string errorCode);
}
