using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Audit;
using Portal.Core.Aws;
using Portal.Core.Aws.Iam;
using Portal.Core.Identity;
using Portal.Core.Notifications;
using Portal.Core.Persistence;
using Portal.Core.Setup;

namespace Portal.Core.Access;

internal sealed partial class AccessService(
    IDbContextFactory<PortalDbContext> contexts,
    IIamClient iam,
    IIamUserMapper mapper,
    SessionEnforcer enforcer,
    IBastionDirectory bastions,
    IAwsEnvironment environment,
    IAuditTrail audit,
    TimeProvider time,
    IOptions<AccessOptions> options,
    IOptions<PortalAwsOptions> aws,
    INotifications notifications,
    ILogger<AccessService> logger) : IAccessService
{
    private const int MaxReason = 1000;
    private const int MaxComment = 1000;

    /// <summary>
    /// A grant's window opens this long before the decision, so a portal clock ahead of AWS's does not refuse the
    /// first session; IAM's propagation takes seconds more, so notices say access starts within a minute.
    /// </summary>
    internal static readonly TimeSpan Backdate = TimeSpan.FromMinutes(1);

    private AwsCallerIdentity? _caller;

    public Task<IReadOnlyList<string>> BastionsAsync(CancellationToken cancellationToken = default) => bastions.ListAsync(cancellationToken);

    public async Task<AccessRequest> RequestAsync(AccessPerson person, NewAccessRequest input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(input);
        var errors = await CheckAsync(input.TargetInstanceId, input.DurationMinutes, input.Reason, cancellationToken);
        if (input.Ticket is { Length: > 128 } || (input.Ticket is not null && input.Ticket.Any(char.IsControl)))
        {
            errors["ticket"] = ["A ticket reference is up to 128 characters on one line."];
        }

        if (errors.Count > 0)
        {
            throw new AccessException(AccessRefusal.Invalid, "The request is not valid.", errors);
        }

        var mapping = await mapper.MapAsync(person, cancellationToken);
        if (mapping.UserName is null)
        {
            throw AccessException.Invalid("iamUser", mapping.Problem ?? "You are not mapped to an IAM user.");
        }

        var record = new AccessRequestRecord
        {
            State = AccessRequestState.Pending,
            Requester = person.Name,
            IamUser = mapping.UserName,
            TargetInstanceId = input.TargetInstanceId!,
            DurationMinutes = input.DurationMinutes!.Value,
            Reason = input.Reason!.Trim(),
            Ticket = string.IsNullOrWhiteSpace(input.Ticket) ? null : input.Ticket.Trim(),
            CreatedAt = time.GetUtcNow(),
        };
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            db.AccessRequests.Add(record);
            await db.SaveChangesAsync(cancellationToken);
        }

        await AuditAsync(person.Name, "access.request", RequestTarget(record.Id), $"{record.TargetInstanceId} for {record.DurationMinutes} min as IAM user {record.IamUser}: {record.Reason}");
        await NoticeAsync(INotifications.Role(PortalRoles.Approver), $"{person.Name} asks for {GrantPolicy.Duration(record.DurationMinutes)} on {record.TargetInstanceId} (request {record.Id}): {record.Reason}", "/access");
        return ToRequest(record);
    }

    public async Task<IReadOnlyList<AccessRequest>> ListRequestsAsync(string? requester = null, AccessRequestState? state = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.AccessRequests.AsNoTracking().Include(r => r.Decisions).AsQueryable();
        if (requester is not null)
        {
            query = query.Where(r => r.Requester == requester);
        }

        if (state is { } wanted)
        {
            query = query.Where(r => r.State == wanted);
        }

        return [.. (await query.OrderByDescending(r => r.Id).Take(500).ToListAsync(cancellationToken)).Select(ToRequest)];
    }

    public async Task<AccessRequest> GetRequestAsync(long id, CancellationToken cancellationToken = default) =>
        ToRequest(await LoadRequestAsync(id, cancellationToken));

    public async Task<AccessRequest> ApproveAsync(long id, AccessPerson person, string? comment = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(person);
        var approver = person.Name;
        comment = CheckComment(comment);
        var request = await LoadRequestAsync(id, cancellationToken);
        Decidable(request, approver);
        await NotOwnAsync(person, PrincipalType.User, request.IamUser, cancellationToken);
        long? grantId = null;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (await db.AccessDecisions.AnyAsync(d => d.RequestId == id && d.Approver == approver, cancellationToken))
            {
                throw new AccessException(AccessRefusal.Conflict, $"You have already approved request {id}.");
            }

            var now = time.GetUtcNow();
            db.AccessDecisions.Add(new AccessDecisionRecord { RequestId = id, Approver = approver, Approved = true, Comment = comment, At = now });
            await db.SaveChangesAsync(cancellationToken);
            var approvals = await db.AccessDecisions.CountAsync(d => d.RequestId == id && d.Approved, cancellationToken);
            if (approvals >= options.Value.RequiredApprovals
                && await db.AccessRequests.Where(r => r.Id == id && r.State == AccessRequestState.Pending)
                    .ExecuteUpdateAsync(u => u.SetProperty(r => r.State, AccessRequestState.Approved).SetProperty(r => r.DecidedAt, now), cancellationToken) == 1)
            {
                var grant = new GrantRecord
                {
                    PrincipalType = PrincipalType.User,
                    PrincipalName = request.IamUser,
                    TargetInstanceId = request.TargetInstanceId,
                    StartsAt = now - Backdate,
                    ExpiresAt = now.AddMinutes(request.DurationMinutes),
                    State = GrantState.Approved,
                    RequestId = id,
                    GrantedBy = approver,
                    Reason = request.Reason,
                };
                db.Grants.Add(grant);
                await db.SaveChangesAsync(cancellationToken);
                await db.AccessRequests.Where(r => r.Id == id).ExecuteUpdateAsync(u => u.SetProperty(r => r.GrantId, grant.Id), cancellationToken);
                grantId = grant.Id;
            }
            else if (approvals >= options.Value.RequiredApprovals)
            {
                // Another approver decided it between our read and our write: theirs stands, and leaving without a
                // commit takes our approval back.
                throw new AccessException(AccessRefusal.Conflict, $"Request {id} was decided by someone else just now.");
            }

            await transaction.CommitAsync(cancellationToken);
        }

        await AuditAsync(approver, "access.approve", RequestTarget(id), comment ?? (grantId is null ? "approval recorded; more are needed" : $"grant {grantId}"));
        if (grantId is { } made)
        {
            await AuditAsync(approver, "grant.create", GrantTarget(made), $"user/{request.IamUser} on {request.TargetInstanceId} for {request.DurationMinutes} min (request {id})");
            await ActivateAsync(made, approver, CancellationToken.None);
            var grant = await GetGrantAsync(made, CancellationToken.None);
            await NoticeAsync(
                INotifications.Person(request.Requester),
                grant.State == GrantState.Active
                    ? $"Request {id} was approved by {approver}: you may start sessions on {grant.TargetInstanceId} within a minute, until {Stamp(grant.ExpiresAt)}."
                    : $"Request {id} was approved by {approver}, but IAM answered {grant.ErrorCode}: the access is not active yet; an approver can retry it.",
                "/access/request");
        }

        return await GetRequestAsync(id, cancellationToken);
    }

    public async Task<AccessRequest> DenyAsync(long id, string approver, string? comment = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(approver);
        comment = CheckComment(comment);
        var request = await LoadRequestAsync(id, cancellationToken);
        Decidable(request, approver);
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var now = time.GetUtcNow();
            if (await db.AccessRequests.Where(r => r.Id == id && r.State == AccessRequestState.Pending)
                    .ExecuteUpdateAsync(u => u.SetProperty(r => r.State, AccessRequestState.Denied).SetProperty(r => r.DecidedAt, now), cancellationToken) == 0)
            {
                throw new AccessException(AccessRefusal.Conflict, $"Request {id} was decided by someone else just now.");
            }

            await db.AccessDecisions.Where(d => d.RequestId == id && d.Approver == approver).ExecuteDeleteAsync(cancellationToken);
            db.AccessDecisions.Add(new AccessDecisionRecord { RequestId = id, Approver = approver, Approved = false, Comment = comment, At = now });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await AuditAsync(approver, "access.deny", RequestTarget(id), comment ?? "no comment");
        await NoticeAsync(INotifications.Person(request.Requester), $"Request {id} was denied by {approver}{(comment is null ? "." : $": {comment}")}", "/access/request");
        return await GetRequestAsync(id, cancellationToken);
    }

    public async Task<AccessRequest> CancelAsync(long id, string requester, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(requester);
        var request = await LoadRequestAsync(id, cancellationToken);
        if (request.Requester != requester)
        {
            throw new AccessException(AccessRefusal.Forbidden, $"Request {id} is not yours to cancel.");
        }

        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            if (await db.AccessRequests.Where(r => r.Id == id && r.State == AccessRequestState.Pending)
                    .ExecuteUpdateAsync(u => u.SetProperty(r => r.State, AccessRequestState.Cancelled).SetProperty(r => r.DecidedAt, now), cancellationToken) == 0)
            {
                throw new AccessException(AccessRefusal.Conflict, $"Request {id} is {Name(request.State)}: only a pending request can be cancelled.");
            }
        }

        await AuditAsync(requester, "access.cancel", RequestTarget(id), null);
        return await GetRequestAsync(id, cancellationToken);
    }

    public async Task<IReadOnlyList<AccessGrant>> ListGrantsAsync(string? requester = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Grants.AsNoTracking();
        if (requester is not null)
        {
            var theirs = db.AccessRequests.Where(r => r.Requester == requester).Select(r => r.Id);
            query = query.Where(g => g.RequestId != null && theirs.Contains(g.RequestId.Value));
        }

        return [.. (await query.OrderByDescending(g => g.Id).Take(500).ToListAsync(cancellationToken)).Select(g => g.ToGrant(aws.Value.Region))];
    }

    public async Task<AccessGrant> GetGrantAsync(long id, CancellationToken cancellationToken = default) =>
        (await LoadGrantAsync(id, cancellationToken)).ToGrant(aws.Value.Region);

    public async Task<AccessGrant> GrantAsync(AccessPerson person, NewGrant input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(person);
        var approver = person.Name;
        ArgumentNullException.ThrowIfNull(input);
        var errors = await CheckAsync(input.TargetInstanceId, input.DurationMinutes, input.Reason, cancellationToken);
        if (input.PrincipalType is null)
        {
            errors["principalType"] = ["Grant to a user or a group."];
        }
        else if (input.PrincipalType == PrincipalType.User ? !IamNames.IsValidUserName(input.PrincipalName) : !IamNames.IsValidGroupName(input.PrincipalName))
        {
            errors["principalName"] = [$"Name the IAM {Name(input.PrincipalType.Value)} (letters, digits and +=,.@_-)."];
        }
        else if (input.PrincipalType == PrincipalType.User
            ? await iam.GetUserAsync(input.PrincipalName!, cancellationToken) is null
            : await iam.GetGroupAsync(input.PrincipalName!, cancellationToken) is null)
        {
            errors["principalName"] = [$"IAM has no {Name(input.PrincipalType.Value)} named {input.PrincipalName}."];
        }

        if (errors.Count > 0)
        {
            throw new AccessException(AccessRefusal.Invalid, "The grant is not valid.", errors);
        }

        await NotOwnAsync(person, input.PrincipalType!.Value, input.PrincipalName!, cancellationToken);
        if (options.Value.RequiredApprovals > 1)
        {
            // A direct grant is one approver's decision; it must not be the way around the approvals a request needs.
            throw new AccessException(
                AccessRefusal.Conflict,
                $"Access here needs {options.Value.RequiredApprovals} distinct approvers, so it is not granted directly: the person files a request and approvers decide it.");
        }

        var now = time.GetUtcNow();
        var grant = new GrantRecord
        {
            PrincipalType = input.PrincipalType!.Value,
            PrincipalName = input.PrincipalName!,
            TargetInstanceId = input.TargetInstanceId!,
            StartsAt = now - Backdate,
            ExpiresAt = now.AddMinutes(input.DurationMinutes!.Value),
            State = GrantState.Approved,
            GrantedBy = approver,
            Reason = input.Reason!.Trim(),
        };
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            db.Grants.Add(grant);
            await db.SaveChangesAsync(cancellationToken);
        }

        await AuditAsync(approver, "grant.create", GrantTarget(grant.Id), $"{grant.Principal} on {grant.TargetInstanceId} for {input.DurationMinutes} min, directly: {grant.Reason}");
        await ActivateAsync(grant.Id, approver, CancellationToken.None);
        return await GetGrantAsync(grant.Id, cancellationToken);
    }

    public async Task<AccessGrant> RetryAsync(long grantId, string actor, CancellationToken cancellationToken = default)
    {
        var grant = await LoadGrantAsync(grantId, cancellationToken);
        if (grant.State != GrantState.Approved || grant.ExpiresAt <= time.GetUtcNow())
        {
            throw new AccessException(AccessRefusal.Conflict, $"Grant {grantId} is {Name(grant.State)}{(grant.State == GrantState.Approved ? " but past its expiry" : string.Empty)}: only an approved grant not yet in IAM can be retried.");
        }

        await ActivateAsync(grantId, actor, cancellationToken);
        return await GetGrantAsync(grantId, cancellationToken);
    }

    public async Task<AccessGrant> RevokeAsync(long grantId, string actor, string? comment = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        comment = CheckComment(comment);
        var grant = await LoadGrantAsync(grantId, cancellationToken);
        if (grant.State is not (GrantState.Active or GrantState.Approved))
        {
            throw new AccessException(AccessRefusal.Conflict, $"Grant {grantId} is {Name(grant.State)} already.");
        }

        try
        {
            await DeletePolicyAsync(grant, cancellationToken);
        }
        catch (AwsApiException ex)
        {
            await RecordErrorAsync(grantId, ex);
            await AuditAsync(actor, "grant.revoke", GrantTarget(grantId), $"failed: iam answered {ex.ErrorCode}; the policy is still in place", AuditOutcome.Failed);
            throw;
        }

        var (note, cleared) = await EndSessionsAsync(grant, actor, $"grant {grantId} was revoked by {actor}", cancellationToken);
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            await db.Grants.Where(g => g.Id == grantId && (g.State == GrantState.Active || g.State == GrantState.Approved))
                .ExecuteUpdateAsync(
                    u => u.SetProperty(g => g.State, GrantState.Revoked).SetProperty(g => g.RevokedBy, actor).SetProperty(g => g.EndedAt, now).SetProperty(g => g.Note, note)
                        .SetProperty(g => g.SessionsClearedAt, cleared ? now : null),
                    cancellationToken);
        }

        await AuditAsync(actor, "grant.revoke", GrantTarget(grantId), $"{(comment is null ? string.Empty : comment + "; ")}policy {GrantPolicy.NameOf(grantId)} removed; {note}");
        if (await RequesterOfAsync(grant, cancellationToken) is { } requester)
        {
            await NoticeAsync(INotifications.Person(requester), $"Your access to {grant.TargetInstanceId} (grant {grantId}) was revoked by {actor}{(comment is null ? "." : $": {comment}")}", "/access/request");
        }
        return await GetGrantAsync(grantId, cancellationToken);
    }

    /// <summary>The person whose request a grant answers; none for a direct grant.</summary>
    internal async Task<string?> RequesterOfAsync(GrantRecord grant, CancellationToken cancellationToken)
    {
        if (grant.RequestId is not { } requestId)
        {
            return null;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.AccessRequests.Where(r => r.Id == requestId).Select(r => r.Requester).SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>Tells people what happened; a notice that cannot be kept is logged and never undoes the action.</summary>
    internal async Task NoticeAsync(string audience, string text, string link)
    {
        try
        {
            await notifications.NotifyAsync(audience, text, link, CancellationToken.None);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or AwsApiException)
        {
            LogNoticeFailed(logger, audience, ex);
        }
    }

    internal static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A notice for {Audience} could not be kept")]
    private static partial void LogNoticeFailed(ILogger logger, string audience, Exception exception);

    /// <summary>Puts the grant's policy on its principal; success makes it Active, an AWS failure stays on the grant.</summary>
    internal async Task ActivateAsync(long grantId, string actor, CancellationToken cancellationToken)
    {
        var grant = await LoadGrantAsync(grantId, cancellationToken);
        try
        {
            var caller = _caller ??= await environment.GetCallerIdentityAsync(cancellationToken);
            var document = GrantPolicy.For(AwsPartition.Of(caller.Region), caller.Region, caller.Account, grant.TargetInstanceId, grant.StartsAt, grant.ExpiresAt).ToJson();
            var name = GrantPolicy.NameOf(grantId);
            if (grant.PrincipalType == PrincipalType.User)
            {
                await iam.PutUserPolicyAsync(grant.PrincipalName, name, document, cancellationToken);
            }
            else
            {
                await iam.PutGroupPolicyAsync(grant.PrincipalName, name, document, cancellationToken);
            }
        }
        catch (AwsApiException ex)
        {
            await RecordErrorAsync(grantId, ex);
            await AuditAsync(actor, "grant.activate", GrantTarget(grantId), $"{ex.Service} {ex.Operation} answered {ex.ErrorCode}: the grant is approved but not active; retry it", AuditOutcome.Failed);
            return;
        }

        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await db.Grants.Where(g => g.Id == grantId && g.State == GrantState.Approved)
                .ExecuteUpdateAsync(u => u.SetProperty(g => g.State, GrantState.Active).SetProperty(g => g.ErrorCode, (string?)null).SetProperty(g => g.Error, (string?)null), cancellationToken);
        }

        await AuditAsync(actor, "grant.activate", GrantTarget(grantId), $"policy {GrantPolicy.NameOf(grantId)} on {grant.Principal} until {grant.ExpiresAt.UtcDateTime:yyyy-MM-dd HH:mm}Z");
    }

    /// <summary>Removes the grant's policy; one already gone is not an error.</summary>
    internal Task<bool> DeletePolicyAsync(GrantRecord grant, CancellationToken cancellationToken) =>
        grant.PrincipalType == PrincipalType.User
            ? iam.DeleteUserPolicyAsync(grant.PrincipalName, GrantPolicy.NameOf(grant.Id), cancellationToken)
            : iam.DeleteGroupPolicyAsync(grant.PrincipalName, GrantPolicy.NameOf(grant.Id), cancellationToken);

    /// <summary>
    /// Ends the principal's sessions on the bastion; where that cannot be done, says why instead of failing the revoke
    /// or the expiry, records the code on the grant, and leaves the maintenance sweeps to try again.
    /// </summary>
    internal async Task<(string Note, bool Cleared)> EndSessionsAsync(GrantRecord grant, string actor, string why, CancellationToken cancellationToken)
    {
        try
        {
            var ended = await enforcer.EndForGrantAsync(grant, actor, why, cancellationToken);
            return (ended.Count == 0 ? "no live sessions to end" : $"ended {ended.Count} live session(s): {string.Join(", ", ended)}", true);
        }
        catch (AwsApiException ex)
        {
            await RecordErrorAsync(grant.Id, ex);
            return ($"live sessions could not be ended yet: {ex.Service} {ex.Operation} answered {ex.ErrorCode}; the portal keeps trying (no new session can start)", false);
        }
    }

    private async Task RecordErrorAsync(long grantId, AwsApiException ex)
    {
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        var message = ex.Message.Length <= 2000 ? ex.Message : ex.Message[..2000];
        await db.Grants.Where(g => g.Id == grantId).ExecuteUpdateAsync(u => u.SetProperty(g => g.ErrorCode, ex.ErrorCode).SetProperty(g => g.Error, message), CancellationToken.None);
    }

    private async Task<Dictionary<string, string[]>> CheckAsync(string? instanceId, int? minutes, string? reason, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var max = options.Value.MaxDurationMinutes;
        if (string.IsNullOrWhiteSpace(instanceId))
        {
            errors["targetInstanceId"] = ["Choose the bastion."];
        }
        else if (!(await BastionsAsync(cancellationToken)).Contains(instanceId, StringComparer.Ordinal))
        {
            errors["targetInstanceId"] = [$"{instanceId} is not a bastion the portal grants access to."];
        }

        if (minutes is not { } m || m < 1 || m > max)
        {
            errors["durationMinutes"] = [$"Ask for 1 to {max.ToString("N0", CultureInfo.InvariantCulture)} minutes ({max / 60.0:0.#} hours)."];
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            errors["reason"] = ["Say why you need access."];
        }
        else if (reason.Length > MaxReason || ControlCharacters().IsMatch(reason))
        {
            errors["reason"] = [$"A reason is up to {MaxReason} characters, without control characters."];
        }

        return errors;
    }

    private static string? CheckComment(string? comment)
    {
        if (string.IsNullOrWhiteSpace(comment))
        {
            return null;
        }

        return comment.Length > MaxComment || ControlCharacters().IsMatch(comment)
            ? throw AccessException.Invalid("comment", $"A comment is up to {MaxComment} characters, without control characters.")
            : comment.Trim();
    }

    /// <summary>
    /// Refuses when the principal is the approver's own IAM user, or a group that holds it. Identities are compared as
    /// IAM users (the approver's mapping, and their sign-in name, since IAM user names are unique in an account).
    /// </summary>
    private async Task NotOwnAsync(AccessPerson approver, PrincipalType type, string principal, CancellationToken cancellationToken)
    {
        var mapped = (await mapper.MapAsync(approver, cancellationToken)).UserName;
        var own = new[] { mapped, approver.Name }.OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (type == PrincipalType.User && own.Contains(principal))
        {
            throw new AccessException(AccessRefusal.Conflict, $"{principal} is your own IAM user: nobody grants access to themselves; another approver must decide.");
        }

        if (type == PrincipalType.Group && (await iam.GetGroupMembersAsync(principal, cancellationToken)).FirstOrDefault(u => own.Contains(u.UserName)) is { } member)
        {
            throw new AccessException(AccessRefusal.Conflict, $"Your IAM user {member.UserName} is in the group {principal}: nobody grants access to themselves; another approver must decide.");
        }
    }

    private static void Decidable(AccessRequestRecord request, string approver)
    {
        if (request.Requester == approver)
        {
            throw new AccessException(AccessRefusal.Conflict, "Nobody approves or denies their own request.");
        }

        if (request.State != AccessRequestState.Pending)
        {
            throw new AccessException(AccessRefusal.Conflict, $"Request {request.Id} is {Name(request.State)} already.");
        }
    }

    private async Task<AccessRequestRecord> LoadRequestAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.AccessRequests.AsNoTracking().Include(r => r.Decisions).SingleOrDefaultAsync(r => r.Id == id, cancellationToken)
            ?? throw new AccessException(AccessRefusal.NotFound, $"There is no request {id}.");
    }

    private async Task<GrantRecord> LoadGrantAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Grants.AsNoTracking().SingleOrDefaultAsync(g => g.Id == id, cancellationToken)
            ?? throw new AccessException(AccessRefusal.NotFound, $"There is no grant {id}.");
    }

    private Task AuditAsync(string actor, string action, string target, string? detail, AuditOutcome outcome = AuditOutcome.Succeeded) =>
        audit.RecordAsync(new AuditRecord(actor, action, target, outcome, detail is { Length: > 2000 } ? detail[..2000] : detail), CancellationToken.None);

    private static AccessRequest ToRequest(AccessRequestRecord r) => new(
        r.Id,
        r.State,
        r.Requester,
        r.IamUser,
        r.TargetInstanceId,
        r.DurationMinutes,
        r.Reason,
        r.Ticket,
        r.CreatedAt,
        r.DecidedAt,
        [.. r.Decisions.OrderBy(d => d.At).ThenBy(d => d.Id).Select(d => new AccessDecision(d.Approver, d.Approved, d.Comment, d.At))],
        r.GrantId);

    internal static string RequestTarget(long id) => $"request/{id.ToString(CultureInfo.InvariantCulture)}";

    internal static string GrantTarget(long id) => $"grant/{id.ToString(CultureInfo.InvariantCulture)}";

    private static string Name<T>(T value) where T : struct, Enum => System.Text.Json.JsonSerializer.Serialize(value).Trim('"');

    [GeneratedRegex(@"[\p{Cc}-[\r\n\t]]")]
    private static partial Regex ControlCharacters();
}
